"""The breach log: every personal-data breach documented, notified or not (GDPR Art. 33(5))."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError
from teams.models import Organization

from ..models import BreachRecord

FIELDS = {
    "description",
    "data_categories",
    "members_affected",
    "consequences",
    "measures",
    "authority_notified_at",
    "members_notified_at",
    "not_notified_because",
    "follows",
}


@transaction.atomic
def breach_record(
    *, organization: Organization | None, discovered_at: datetime, recorded_by: str, **details: Any
) -> BreachRecord:
    unknown = set(details) - FIELDS
    if unknown:
        raise ApplicationError(f"Unknown breach field(s): {', '.join(sorted(unknown))}.", code="bad_field")
    if not str(details.get("description", "")).strip():
        raise ApplicationError("Describe what happened.", code="description_required")
    record = BreachRecord.objects.create(
        organization=organization, discovered_at=discovered_at, recorded_by=recorded_by[:120], **details
    )
    audit_event_record(
        actor=None,
        organization=organization,
        verb=Verb.BREACH_RECORDED,
        target=record,
        data={"members_affected": record.members_affected, "recorded_by": record.recorded_by},
    )
    return record
