from __future__ import annotations

from django.db.models import QuerySet

from teams.models import Membership

from .models import AuditEvent, ConsentRecord, DeletionReceipt


def consents_of(*, member: Membership) -> QuerySet[ConsentRecord]:
    return member.consents.select_related("text").order_by("-granted_at")


def receipts_of(*, member: Membership) -> QuerySet[DeletionReceipt]:
    """A member's own deletion receipts (found by their pseudonymous id)."""
    return DeletionReceipt.objects.filter(organization_id=member.organization_id, member_id=member.pk)


def audit_events_of(*, actor: Membership) -> QuerySet[AuditEvent]:
    """The organisation's audit log, for HR and admins."""
    return AuditEvent.objects.filter(organization=actor.organization)
