from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import media
from teams.models import Membership, Organization

from .models import BIPA_CEILING_DAYS, DeletionReceipt, ErasureReason, RetentionPolicy


def membership_for_privacy(user: Any) -> Membership | None:
    """The membership whose privacy page a signed-in user may use: their active one, or one
    that ended and is still in its grace period (not erased since it ended)."""
    if not user or not user.is_authenticated:
        return None
    member = Membership.objects.select_related("organization", "user").filter(user=user).first()
    if member is None or member.active:
        return member
    erased = DeletionReceipt.objects.filter(
        member_id=member.pk, reason=ErasureReason.OFFBOARDING, requested_at__gte=member.deactivated_at
    )
    return None if erased.exists() else member


def receipts_of(*, member: Membership) -> QuerySet[DeletionReceipt]:
    """A member's own deletion receipts (found by their pseudonymous id)."""
    return DeletionReceipt.objects.filter(organization_id=member.organization_id, member_id=member.pk)


def retention_schedule(*, policy: RetentionPolicy) -> list[tuple[str, str]]:
    """Every retention term of the policy, in words: what is kept, and how long.

    The member's privacy page and the public privacy page both show exactly this list.
    """
    selfies = (
        "deleted as soon as the headshots are rendered"
        if policy.selfie_days == 0
        else f"{policy.selfie_days} days after the last headshot job finishes"
    )
    days = policy.rejected_selfie_days
    return [
        (
            "Photos that fail the photo checklist",
            f"until the next photo passes, and at most {days} day{'s' if days != 1 else ''}; "
            "no face measurements are stored for them",
        ),
        ("Selfies and face measurements", selfies),
        ("Selfies never used for a headshot", f"at the latest {BIPA_CEILING_DAYS // 365} years after upload"),
        ("Headshots nobody chose", f"{policy.unchosen_days} days after they are made"),
        ("The approved headshot", f"until the membership ends, plus {policy.offboarding_days} days"),
        ("Team exports (zip files)", f"{policy.export_days} days after they are built"),
        ("Audit log (no images)", f"{policy.audit_years} years"),
    ]


def processors() -> list[tuple[str, str]]:
    """Who processes the data on the organisation's behalf, from this deployment's settings.

    ``PRIVACY_PROCESSORS`` (a list of (name, role) pairs) overrides it, for operators who
    want to name their hosting and storage providers.
    """
    from django.conf import settings

    named = getattr(settings, "PRIVACY_PROCESSORS", None)
    if named:
        return [(str(name), str(role)) for name, role in named]
    found = [("The operator of this headshot service", "hosting, the application and its database")]
    target = media.s3_target()
    if target is not None:
        endpoint = target[0].meta.endpoint_url or "Amazon S3"
        found.append((f"Object storage ({endpoint})", "encrypted storage of photos, headshots and exports"))
    return found


def organization_public(*, slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first()
