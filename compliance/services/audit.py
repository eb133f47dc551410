"""The audit log's writer: core.audit.audit_event_record hands every event here."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from core.audit import Actor, Verb
from teams.models import Membership, Organization

from ..models import AuditEvent


def _subject_of(target: Model | None) -> Any:
    """The member an event is about, so their data export can find it."""
    if target is None:
        return None
    if isinstance(target, Membership):
        return target.pk
    return getattr(target, "member_id", None)


def audit_event_write(
    *,
    actor: Actor | None,
    organization: Model | None,
    verb: Verb,
    target: Model | None,
    data: dict[str, Any],
    subject: Model | None,
) -> AuditEvent:
    """Append one row to the audit log (installed as core.audit's writer)."""
    assert organization is None or isinstance(organization, Organization)
    return AuditEvent.objects.create(
        organization=organization,
        actor_member_id=actor.pk if actor else None,
        actor_user_id=actor.user_id if actor else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        subject_member_id=subject.pk if subject is not None else _subject_of(target),
        data=data,
    )
