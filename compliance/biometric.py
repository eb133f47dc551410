"""The one door to a member's face data.

Selfie pixels, cut-outs and face descriptors live under keys that
``core.media`` recognises as biometric; it reads or writes them only when
handed an ``AccessGrant`` for the member who owns the prefix.
``BiometricGrant`` is the one implementation of that protocol. A grant
can only be minted here, and ``biometric_grant`` mints one only for a member
with an active consent. A grant re-checks the consent each time it is used,
so a job that was running when consent was withdrawn cannot read or write
face data afterwards. Skipping the consent check is therefore not a matter of
remembering to call it: without a grant there are no pixels to process.
"""

from __future__ import annotations

from uuid import UUID

from core.media import AccessDenied, member_prefix
from teams.models import Membership

from .models import ConsentRecord
from .services.consent import ConsentRequired, consent_require

_MINT = object()

PROCESSING = "processing"
SUBJECT_ACCESS = "subject_access"  # the member's own data export: read only, no consent needed


class BiometricAccessDenied(AccessDenied):
    pass


class BiometricGrant:
    __slots__ = ("consent_id", "member_id", "organization_id", "purpose")

    def __init__(self, *, _mint: object, member: Membership, consent_id: UUID | None, purpose: str):
        if _mint is not _MINT:
            raise BiometricAccessDenied("a BiometricGrant comes only from compliance.biometric")
        self.member_id, self.organization_id = member.pk, member.organization_id
        self.consent_id, self.purpose = consent_id, purpose

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError("a BiometricGrant cannot be changed")
        super().__setattr__(name, value)

    @property
    def prefix(self) -> str:
        return member_prefix(organization_id=self.organization_id, member_id=self.member_id)

    def authorize(self, key: str, *, write: bool) -> None:
        """Called by storage before every biometric read or write."""
        if not key.startswith(self.prefix):
            raise BiometricAccessDenied("this grant covers another member's data")
        if self.purpose == SUBJECT_ACCESS and not write:
            return
        self.check()

    def check(self) -> None:
        """Raise unless this grant still allows processing (consent not withdrawn since)."""
        if self.purpose != PROCESSING:
            raise BiometricAccessDenied("this grant does not allow processing")
        if (
            self.consent_id is None
            or not ConsentRecord.objects.filter(pk=self.consent_id, withdrawn_at__isnull=True).exists()
        ):
            raise ConsentRequired("Consent was withdrawn; this member's photos can no longer be processed.")


def biometric_grant(*, member: Membership) -> BiometricGrant:
    """Permission to process one member's face data: needs an active consent."""
    record = consent_require(member=member)
    return BiometricGrant(_mint=_MINT, member=member, consent_id=record.pk, purpose=PROCESSING)


def subject_access_grant(*, member: Membership) -> BiometricGrant:
    """Read-only access for the member's own data export (GDPR Art. 15)."""
    return BiometricGrant(_mint=_MINT, member=member, consent_id=None, purpose=SUBJECT_ACCESS)


def grant_check(grant: object) -> None:
    """For code outside storage (descriptors): a real grant, still valid."""
    if not isinstance(grant, BiometricGrant):
        raise BiometricAccessDenied("face data needs a grant from compliance.biometric.biometric_grant()")
    grant.check()
