from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from config.exceptions import ApplicationError
from teams.models import Membership, Organization

from .consent_texts import current_text
from .models import AuditEvent, ConsentMethod, ConsentRecord


def audit_event_record(
    *,
    actor: Membership | None,
    organization: Organization | None,
    verb: str,
    target: Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the audit log. Call it inside the write's transaction."""
    return AuditEvent.objects.create(
        organization=organization,
        actor_member_id=actor.id if actor else None,
        actor_user_id=actor.user_id if actor else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


class ConsentRequired(ApplicationError):
    status_code = 403

    def __init__(self, message: str = "Give consent to photo processing before uploading or rendering."):
        super().__init__(message, code="consent_required")


def consent_active(*, member: Membership) -> ConsentRecord | None:
    text = current_text(organization_name=member.organization.name)
    return (
        member.consents.filter(withdrawn_at__isnull=True, text_version=text.version)
        .order_by("-granted_at")
        .first()
    )


def consent_require(*, member: Membership) -> ConsentRecord:
    """Every biometric code path calls this first."""
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
    text = current_text(organization_name=member.organization.name)
    if text_version != text.version or text_sha256 != text.sha256:
        raise ApplicationError(
            "The consent text has changed since it was shown. Read the current text and consent again.",
            code="consent_text_mismatch",
        )
    existing = consent_active(member=member)
    if existing is not None:
        return existing
    record = ConsentRecord.objects.create(
        member=member,
        text_version=text.version,
        text_sha256=text.sha256,
        method=method,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:400],
    )
    audit_event_record(
        actor=member, organization=member.organization, verb="consent.granted", target=record,
        data={"text_version": text.version, "method": method},
    )
    return record


@transaction.atomic
def consent_withdraw(*, member: Membership) -> int:
    """Withdraw every active consent. The erasure cascade (compliance issue) hangs off this."""
    count = member.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    if count:
        audit_event_record(
            actor=member, organization=member.organization, verb="consent.withdrawn", target=member
        )
    return count
