from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed
from teams.models import Membership, Organization

from .. import consent_texts
from ..models import (
    ConsentMethod,
    ConsentRecord,
    ConsentText,
    DeletionReceipt,
    ErasureReason,
    Jurisdiction,
    MemberJurisdiction,
)
from .policy import retention_policy_get


class ConsentRequired(ApplicationError):
    http_status = 403

    def __init__(
        self,
        message: str = "Give consent to photo processing before uploading or rendering.",
    ):
        super().__init__(message, code="consent_required")


def _latest(organization: Organization, jurisdiction: str) -> ConsentText | None:
    return ConsentText.objects.filter(organization=organization, jurisdiction=jurisdiction).order_by("-number").first()


def _filled(organization: Organization, jurisdiction: str, template: str, *, material: bool) -> ConsentText:
    """The text as filled in now: the stored version when nothing changed, else the next version, unsaved."""
    policy = retention_policy_get(organization=organization)
    body = consent_texts.render(template, organization_name=organization.name, policy=policy)
    latest = _latest(organization, jurisdiction)
    if latest is not None and latest.body == body and latest.template == template:
        return latest
    material_version = (latest.material_version if latest else 0) + (1 if material or latest is None else 0)
    return ConsentText(
        organization=organization,
        jurisdiction=jurisdiction,
        number=(latest.number if latest else 0) + 1,
        material_version=material_version,
        template=template,
        body=body,
        sha256=consent_texts.sha256(body),
    )


def _stored(text: ConsentText) -> ConsentText:
    """Store a filled text that is not stored yet (races resolve to one row)."""
    if not text._state.adding:
        return text
    organization, jurisdiction = text.organization, text.jurisdiction
    try:
        with transaction.atomic():
            text.save(force_insert=True)
            return text
    except IntegrityError:  # another request stored this version first: use theirs
        winner = _latest(organization, jurisdiction)
        if winner is None:
            raise
        return winner


def consent_text_current(*, organization: Organization, jurisdiction: str | None = None) -> ConsentText:
    """The exact text a member must read now. Reads only.

    When the filled text differs from the stored one (the organisation's
    name or retention policy changed), it is the next material version,
    unsaved until someone consents to it (``consent_grant`` stores it):
    the retention term is part of what the member agrees to.
    """
    jurisdiction = jurisdiction or retention_policy_get(organization=organization).jurisdiction
    latest = _latest(organization, jurisdiction)
    template = latest.template if latest else consent_texts.DEFAULT_TEMPLATES[jurisdiction]
    if consent_texts.sha256(template) in consent_texts.RETIRED_DEFAULTS:
        template = consent_texts.DEFAULT_TEMPLATES[jurisdiction]
    return _filled(organization, jurisdiction, template, material=True)


def member_jurisdiction(*, member: Membership) -> str:
    """The law the member's consent follows: their own if set, else the organisation's default."""
    own = MemberJurisdiction.objects.filter(member=member).values_list("jurisdiction", flat=True).first()
    return own or retention_policy_get(organization=member.organization).jurisdiction


def consent_text_for(*, member: Membership) -> ConsentText:
    """The exact text this member must read now, in their jurisdiction."""
    return consent_text_current(organization=member.organization, jurisdiction=member_jurisdiction(member=member))


@transaction.atomic
def member_jurisdiction_set(*, actor: Membership | None, member: Membership, jurisdiction: str) -> str:
    """An admin records the law a member's consent follows. A different law is a different text:
    a consent given under the old one no longer counts, and the member is asked again."""
    # actor None: the operator, through the Django admin.
    if actor is not None and (not actor.is_admin or actor.organization_id != member.organization_id):
        raise NotAllowed("Only an admin of the member's organisation can set their jurisdiction.", code="not_admin")
    if jurisdiction not in Jurisdiction.values:
        raise ApplicationError(
            f"Unknown jurisdiction; use one of {', '.join(Jurisdiction.values)}.", code="bad_jurisdiction"
        )
    MemberJurisdiction.objects.update_or_create(member=member, defaults={"jurisdiction": jurisdiction})
    audit_event_record(
        actor=actor,
        organization=member.organization,
        verb=Verb.MEMBER_JURISDICTION_SET,
        target=member,
        data={"jurisdiction": jurisdiction},
    )
    return jurisdiction


@transaction.atomic
def consent_text_publish(*, actor: Membership, jurisdiction: str, template: str, material: bool = True) -> ConsentText:
    """Publish the organisation's own wording. A non-material change (a typo)
    keeps existing consents valid; a material one asks everyone again."""
    if not actor.is_admin:
        raise NotAllowed("Only an organisation admin can change the consent text.", code="not_admin")
    if jurisdiction not in consent_texts.DEFAULT_TEMPLATES:
        raise ApplicationError("Unknown jurisdiction.", code="bad_jurisdiction")
    try:
        consent_texts.render(
            template,
            organization_name="x",
            policy=retention_policy_get(organization=actor.organization),
        )
    except (KeyError, IndexError, ValueError) as exc:
        names = ", ".join("{" + p + "}" for p in consent_texts.PLACEHOLDERS)
        raise ApplicationError(
            f"The text has an unknown placeholder ({exc}); use {names}.", code="bad_template"
        ) from None
    text = _stored(_filled(actor.organization, jurisdiction, template, material=material))
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.CONSENT_TEXT_PUBLISHED,
        target=text,
        data={"version": text.version, "material": material, "sha256": text.sha256},
    )
    return text


def consent_active(*, member: Membership) -> ConsentRecord | None:
    """The member's consent to the current material version of their text, if any. Reads only."""
    text = consent_text_for(member=member)
    if text._state.adding:  # the text changed and nobody has consented to the new version yet
        return None
    return (
        member.consents.filter(
            withdrawn_at__isnull=True,
            text__jurisdiction=text.jurisdiction,
            text__material_version=text.material_version,
            text__organization=member.organization,
        )
        .order_by("-granted_at")
        .first()
    )


def consent_require(*, member: Membership) -> ConsentRecord:
    """Raise ConsentRequired unless the member has an active consent.

    Biometric code does not call this directly: it asks
    ``compliance.biometric.biometric_grant`` for a grant, which calls this.
    """
    if not member.active:
        raise ConsentRequired("This membership has ended; no photos are processed.")
    record = consent_active(member=member)
    if record is None:
        raise ConsentRequired()
    return record


@transaction.atomic
def consent_grant(
    *,
    member: Membership,
    text_version: str,
    text_sha256: str,
    method: str = ConsentMethod.WEB,
    ip_address: str | None = None,
    user_agent: str = "",
) -> ConsentRecord:
    """Record consent to the text the member was shown (version and hash must match)."""
    text = consent_text_for(member=member)
    if text_version != text.version or text_sha256 != text.sha256:
        raise ApplicationError(
            "The consent text has changed since it was shown. Read the current text and consent again.",
            code="consent_text_mismatch",
        )
    if method not in ConsentMethod.values:
        raise ApplicationError("Unknown consent method.", code="bad_method")
    existing = consent_active(member=member)
    if existing is not None and existing.text_id == text.id:
        return existing
    text = _stored(text)
    record = ConsentRecord.objects.create(
        member=member,
        text=text,
        text_version=text.version,
        text_sha256=text.sha256,
        method=method,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:400],
    )
    audit_event_record(
        actor=member,
        organization=member.organization,
        verb=Verb.CONSENT_GRANTED,
        target=record,
        data={"text_version": text.version, "sha256": text.sha256, "method": method},
    )
    return record


def consent_withdraw(
    *, member: Membership, method: str = ConsentMethod.WEB, now: datetime | None = None
) -> DeletionReceipt:
    """Withdraw consent and erase the member's photos, descriptors and headshots.

    Returns the DeletionReceipt of the erasure cascade. Idempotent: withdrawing again,
    with no consent given since, returns the same receipt (finishing it if objects were left).
    """
    from .erasure import member_erase, receipt_retry

    previous = _withdrawal_since_last_consent(member)
    if previous is not None:
        return previous if previous.completed_at else receipt_retry(receipt=previous)

    return member_erase(
        member=member,
        reason=ErasureReason.WITHDRAWAL,
        requested_by=f"member:{member.id}",
        actor=member,
        now=now,
        data={"method": method},
    )


def _withdrawal_since_last_consent(member: Membership) -> DeletionReceipt | None:
    if consent_active(member=member) is not None:
        return None
    last_consent = member.consents.order_by("-granted_at").values_list("granted_at", flat=True).first()
    receipts = DeletionReceipt.objects.filter(member_id=member.pk, reason=ErasureReason.WITHDRAWAL)
    if last_consent is not None:
        receipts = receipts.filter(requested_at__gte=last_consent)
    return receipts.order_by("-requested_at").first()


def _consents_close(*, member: Membership, now: datetime | None = None) -> int:
    return member.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now or timezone.now())
