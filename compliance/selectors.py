from __future__ import annotations

from django.db.models import QuerySet

from teams.models import Membership

from .models import DeletionReceipt


def receipts_of(*, member: Membership) -> QuerySet[DeletionReceipt]:
    """A member's own deletion receipts (found by their pseudonymous id)."""
    return DeletionReceipt.objects.filter(organization_id=member.organization_id, member_id=member.pk)
