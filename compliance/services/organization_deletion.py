"""Deleting a whole organisation at the end of its contract.

An admin (the Django admin) or an operator (``manage.py delete_organization``)
schedules it; the hourly task runs what is due. The run:

1. erases every member through the erasure cascade (each gets its own receipt),
2. deletes every object under the organisation's storage prefix (exports,
   anything a row no longer owns), every version, and lists it again,
3. only when the prefix lists empty, deletes the organisation's rows (memberships,
   consent records and texts, styles, jobs, invitations, the policy) and the
   members' user accounts (name, e-mail, login),
4. completes the final receipt: counts, and what the last listing found.

A storage error leaves the rows in place and the deletion scheduled again,
so the next run retries it. The audit log and the receipts outlive the
organisation: they hold its id, no person's name or e-mail.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import media
from core.audit import Verb, audit_event_record
from teams.models import Membership, Organization

from ..models import ErasureReason, OrganizationDeletion, OrganizationDeletionStatus
from .erasure import member_erase

log = logging.getLogger(__name__)
Status = OrganizationDeletionStatus


class DeletionAlreadyScheduled(ValueError):
    pass


def organization_prefix(*, organization_id: object) -> str:
    return f"orgs/{organization_id}/"


def organization_deletion_schedule(
    *,
    organization: Organization,
    requested_by: str,
    scheduled_for: datetime | None = None,
    actor: Membership | None = None,
) -> OrganizationDeletion:
    """Schedule the deletion (now, or at the contract's end). One open deletion per organisation."""
    try:
        with transaction.atomic():
            deletion = OrganizationDeletion.objects.create(
                organization=organization,
                organization_name=organization.name,
                scheduled_for=scheduled_for or timezone.now(),
                requested_by=requested_by[:120],
            )
            audit_event_record(
                actor=actor,
                organization=organization,
                verb=Verb.ORGANIZATION_DELETION_SCHEDULED,
                target=deletion,
                data={"scheduled_for": deletion.scheduled_for.isoformat(), "requested_by": requested_by[:120]},
            )
    except IntegrityError as exc:
        raise DeletionAlreadyScheduled(f"{organization.name} already has a deletion scheduled") from exc
    return deletion


def organization_deletion_cancel(*, deletion: OrganizationDeletion, actor: Membership | None = None) -> bool:
    with transaction.atomic():
        cancelled = OrganizationDeletion.objects.filter(pk=deletion.pk, status=Status.SCHEDULED).update(
            status=Status.CANCELLED
        )
        if cancelled:
            audit_event_record(
                actor=actor,
                organization=deletion.organization,
                verb=Verb.ORGANIZATION_DELETION_CANCELLED,
                target=deletion,
            )
    return bool(cancelled)


def _erase_members(organization: Organization, requested_by: str) -> list[str]:
    receipts = []
    for member in Membership.objects.filter(organization=organization).select_related("organization"):
        receipt = member_erase(member=member, reason=ErasureReason.CONTRACT_END, requested_by=requested_by)
        receipts.append(str(receipt.pk))
    return receipts


def _empty_prefix(prefix: str) -> tuple[int, int]:
    """Delete everything under ``prefix``; return (objects deleted, objects still listed)."""
    keys = media.list_prefix(prefix)
    for key in keys:
        try:
            media.delete(key)
        except Exception:  # listed again below; the next run retries
            log.exception("organisation deletion: could not delete %s", key)
    return len(keys), len(media.list_prefix(prefix))


def _delete_rows(organization: Organization) -> dict[str, int]:
    """The organisation and everything that cascades from it, and its members' accounts."""
    users = list(
        get_user_model()
        .objects.filter(membership__organization=organization, is_superuser=False)
        .values_list("pk", flat=True)
    )
    _total, by_model = Organization.objects.filter(pk=organization.pk).delete()
    _users, by_user_model = get_user_model().objects.filter(pk__in=users).delete()
    rows = {label.lower(): count for label, count in (by_model | by_user_model).items() if count}
    return rows


def _claim(deletion: OrganizationDeletion, now: datetime) -> bool:
    return bool(
        OrganizationDeletion.objects.filter(pk=deletion.pk, status=Status.SCHEDULED, scheduled_for__lte=now).update(
            status=Status.RUNNING, started_at=timezone.now()
        )
    )


def organization_deletion_run(*, deletion: OrganizationDeletion, now: datetime | None = None) -> OrganizationDeletion:
    """Run one due deletion. Idempotent: a second run finds nothing to claim."""
    if not _claim(deletion, now or timezone.now()):
        deletion.refresh_from_db()
        return deletion
    organization = (
        Organization.objects.filter(pk=deletion.organization_id).first() if deletion.organization_id else None
    )
    if organization is None:  # deleted by an earlier run that could not finish its receipt
        return _complete(deletion, {}, remaining=0)
    requested_by = f"organisation deletion {deletion.pk}"
    counts: dict = {"member_receipts": _erase_members(organization, requested_by)}
    counts["members_erased"] = len(counts["member_receipts"])
    prefix = organization_prefix(organization_id=organization.pk)
    counts["storage_objects"], remaining = _empty_prefix(prefix)
    if remaining:
        return _retry_later(deletion, counts, remaining)
    with transaction.atomic():
        counts["rows"] = _delete_rows(organization)
        audit_event_record(
            actor=None,
            organization=organization,
            verb=Verb.ORGANIZATION_DELETED,
            target=deletion,
            data={"members_erased": counts["members_erased"], "storage_objects": counts["storage_objects"]},
        )
    # A write that raced the row deletion would show up here, and is deleted too.
    late, remaining = _empty_prefix(prefix)
    counts["late_objects"] = late
    return _complete(deletion, counts, remaining=remaining)


def _retry_later(deletion: OrganizationDeletion, counts: dict, remaining: int) -> OrganizationDeletion:
    deletion.status, deletion.counts, deletion.remaining_objects = Status.SCHEDULED, counts, remaining
    deletion.error = f"{remaining} object(s) could not be deleted; retried by the next run"
    deletion.save(update_fields=["status", "counts", "remaining_objects", "error"])
    return deletion


def _complete(deletion: OrganizationDeletion, counts: dict, *, remaining: int) -> OrganizationDeletion:
    deletion.status, deletion.completed_at = Status.COMPLETED, timezone.now()
    deletion.counts, deletion.remaining_objects, deletion.error = counts, remaining, ""
    deletion.save(update_fields=["status", "completed_at", "counts", "remaining_objects", "error"])
    return deletion


def organization_deletions_run_due(*, now: datetime | None = None) -> int:
    """Run every deletion whose date has come (the hourly task)."""
    now = now or timezone.now()
    due = OrganizationDeletion.objects.filter(status=Status.SCHEDULED, scheduled_for__lte=now)
    return sum(
        organization_deletion_run(deletion=d, now=now).status == Status.COMPLETED for d in due.order_by("scheduled_for")
    )
