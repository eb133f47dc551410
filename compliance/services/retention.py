"""Retention: what each policy window makes due, and the sweep that deletes it.

``retention_plan`` (the dry run behind ``manage.py retention_report``) and
``retention_sweep`` (celery beat) read the same due-querysets, so the report
lists exactly what the next sweep deletes. The sweep claims rows with
``select_for_update(skip_locked=True)``: two sweeps at once split the work
instead of doing it twice. A storage error on one object leaves its row in
place, so the next run finds it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core import media
from core.audit import Verb, audit_event_record
from teams.models import Membership, Organization

from .. import tasks
from ..models import (
    AuditEvent,
    DeletionReceipt,
    ErasureReason,
    RetentionPolicy,
    SweepRun,
)
from ..personal_data import personal_data_handlers
from .erasure import member_erase, receipt_retry
from .policy import retention_policy_get

log = logging.getLogger(__name__)
BATCH_SIZE = 100
RECEIPT_RETRY_AFTER = timedelta(minutes=30)  # leave a cascade that is still running alone


@dataclass
class Planned:
    category: str
    object_id: str
    reason: str


def offboarded_due(*, organization: Organization, policy: RetentionPolicy, now: datetime) -> QuerySet:
    """Memberships that ended more than K days ago and were not erased since."""
    erased = DeletionReceipt.objects.filter(
        member_id=OuterRef("pk"),
        reason=ErasureReason.OFFBOARDING,
        requested_at__gte=OuterRef("deactivated_at"),
    )
    return Membership.objects.filter(
        organization=organization,
        active=False,
        deactivated_at__lte=now - timedelta(days=policy.offboarding_days),
    ).exclude(Exists(erased))


def audit_due(*, organization: Organization, policy: RetentionPolicy, now: datetime) -> QuerySet:
    years = max(policy.audit_years, 1)
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    return AuditEvent.objects.filter(organization=organization, at__lt=cutoff)


def _days(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "never"


def retention_plan(*, organization: Organization, now: datetime | None = None) -> list[Planned]:
    """What the next sweep deletes in this organisation, and why. Deletes nothing."""
    now = now or timezone.now()
    policy = retention_policy_get(organization=organization)
    args: dict[str, Any] = {"organization": organization, "policy": policy, "now": now}
    plan = [
        Planned(due.category, str(row.pk), due.reason_of(row))
        for handler in personal_data_handlers()
        for due in handler.due(**args)
        for row in due.rows
    ]
    plan += [
        Planned(
            "offboarded_member",
            str(m.pk),
            f"membership ended {_days(m.deactivated_at)}, grace {policy.offboarding_days} days",
        )
        for m in offboarded_due(**args)
    ]
    old_audit = audit_due(**args).count()
    if old_audit:
        plan.append(Planned("audit_events", str(old_audit), f"older than {policy.audit_years} years"))
    return plan


# --- the sweep


def retention_rows_delete(
    *, run: SweepRun, category: str, queryset: QuerySet[Any], keys_of: Callable[[Any], list[str]], batch_size: int
) -> int:
    """Delete due rows batch by batch: storage first, the row only once its objects are gone."""

    # Keyset pagination (pk > last): each batch costs the same however many came before,
    # where excluding the ids already seen grew with every batch.
    last = None
    deleted = 0
    while True:
        page = queryset.order_by("pk") if last is None else queryset.filter(pk__gt=last).order_by("pk")
        ids = list(page.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        last = ids[-1]
        with transaction.atomic():
            for row in queryset.model.objects.select_for_update(skip_locked=True).filter(pk__in=ids):
                try:
                    for key in keys_of(row):
                        media.delete(key)
                except Exception as exc:  # retried next run: the row stays
                    log.warning("retention: could not delete %s %s: %s", category, row.pk, exc)
                    run.errors.append({"category": category, "id": str(row.pk), "error": str(exc)[:300]})
                    continue
                row.delete()
                deleted += 1


def _prune_audit(*, organization: Organization, policy: RetentionPolicy, now: datetime, batch_size: int) -> int:
    """The one delete path of the audit log: rows older than the policy's years.

    On Postgres it is ``compliance_audit_prune()``, a security-definer function
    that reads the policy and the clock itself (the application's role may not
    DELETE). Elsewhere the same rule in Python, never ahead of the real clock.
    """
    deleted, limit = 0, batch_size * 10
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT compliance_audit_prune(%s, %s)", [organization.pk, limit])
                count = cursor.fetchone()[0]
            else:
                due = audit_due(organization=organization, policy=policy, now=min(now, timezone.now()))
                sql, params = due.values("id")[:limit].query.sql_with_params()
                cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id IN ({sql})", params)
                count = cursor.rowcount
        deleted += count
        if count < limit:
            return deleted


def _sweep_organization(run: SweepRun, organization: Organization, now: datetime, batch_size: int) -> dict:
    policy = retention_policy_get(organization=organization)
    args: dict[str, Any] = {"organization": organization, "policy": policy, "now": now}
    counts = {
        due.total: retention_rows_delete(
            run=run, category=due.category, queryset=due.rows, keys_of=due.keys_of, batch_size=batch_size
        )
        for handler in personal_data_handlers()
        for due in handler.due(**args)
    }
    counts |= {
        "offboarded_members": _sweep_offboarded(offboarded_due(**args), now),
        "audit_events": _prune_audit(**args, batch_size=batch_size),
    }
    if any(counts.values()):
        with transaction.atomic():
            audit_event_record(actor=None, organization=organization, verb=Verb.RETENTION_SWEPT, data=counts)
    return counts


def _sweep_offboarded(queryset: QuerySet, now: datetime) -> int:
    return sum(_offboard_one(queryset, member_id, now) for member_id in list(queryset.values_list("pk", flat=True)))


def _offboard_one(queryset: QuerySet[Membership], member_id: UUID | str, now: datetime) -> int:
    with transaction.atomic():
        member = queryset.select_for_update(skip_locked=True).filter(pk=member_id).first()
        if member is None:  # another sweep has it, or it was erased meanwhile
            return 0
        member_erase(member=member, reason=ErasureReason.OFFBOARDING, requested_by="retention sweep", now=now)
        # The grace period is over: the login kept for the privacy page closes.
        get_user_model().objects.filter(pk=member.user_id).update(is_active=False)
        return 1


def offboarding_start(*, member: Membership) -> None:
    """A membership ended: stop processing now; erase after the organisation's grace period
    (the hourly sweep does it, or right after commit when the grace period is 0 days)."""
    for handler in personal_data_handlers():
        handler.stop(member=member, reason="Cancelled: the membership ended.")
    if retention_policy_get(organization=member.organization).offboarding_days == 0:
        transaction.on_commit(lambda: tasks.offboarding_erase_task.delay(str(member.pk)))


def offboarding_erase(*, member_id: UUID | str, now: datetime | None = None) -> int:
    """Erase one ended membership if its grace period is over and it was not erased yet."""
    member = Membership.objects.select_related("organization").filter(pk=member_id).first()
    if member is None:
        return 0
    now = now or timezone.now()
    policy = retention_policy_get(organization=member.organization)
    due = offboarded_due(organization=member.organization, policy=policy, now=now)
    return _offboard_one(due, member_id, now)


def _retry_receipts(now: datetime) -> int:
    retried = 0
    stale = DeletionReceipt.objects.filter(completed_at__isnull=True, requested_at__lte=now - RECEIPT_RETRY_AFTER)
    for receipt_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            receipt = stale.select_for_update(skip_locked=True).filter(pk=receipt_id).first()
            if receipt is not None:
                retried += receipt_retry(receipt=receipt).completed_at is not None
    return retried


def retention_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepRun:
    """Delete everything past its retention window, in every organisation. Idempotent."""
    now = now or timezone.now()
    run = SweepRun.objects.create(started_at=timezone.now())
    totals: dict[str, int] = {"erasures_completed": _retry_receipts(now)}
    for organization in Organization.objects.order_by("pk"):
        for name, count in _sweep_organization(run, organization, now, batch_size).items():
            totals[name] = totals.get(name, 0) + count
    run.deleted, run.finished_at = totals, timezone.now()
    run.save(update_fields=["deleted", "errors", "finished_at"])
    return run
