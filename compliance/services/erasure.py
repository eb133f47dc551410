"""The erasure cascade: withdrawal, `manage.py erase_member` and offboarding all run it.

Each app's registered handler (compliance.personal_data) deletes its rows, then compliance
deletes their storage objects, then the
member's whole prefix is listed, anything left is deleted, and the prefix is
listed again: the receipt records what that last listing found. The purge is
idempotent, so a storage error is retried by the next retention sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core import media
from core.audit import Verb, audit_event_record
from teams.mail import mail_after_commit
from teams.models import Membership

from ..models import DeletionReceipt
from ..personal_data import personal_data_handlers
from .consent import _consents_close

log = logging.getLogger(__name__)


def _delete_objects(keys: list[str]) -> int:
    failed = 0
    for key in keys:
        try:
            media.delete(key)
        except Exception:  # one stubborn object must not stop the rest
            log.exception("could not delete %s", key)
            failed += 1
    return failed


def member_purge(*, member: Membership) -> dict[str, Any]:
    """Delete everything the registered apps hold about the member, and prove the prefix is empty."""
    counts: dict[str, int] = {}
    keys: list[str] = []
    failed_outside = 0
    for handler in personal_data_handlers():
        erased = handler.erase(member=member)
        counts |= erased.counts
        keys += erased.keys
        failed_outside += erased.failed
    prefix = media.member_prefix(organization_id=member.organization_id, member_id=member.pk)
    leftovers = [k for k in media.list_prefix(prefix) if k not in keys]  # cut-outs, late writes
    counts["other_objects"] = len(leftovers)
    counts["storage_objects"] = len(keys) + len(leftovers)
    _delete_objects(keys + leftovers)
    counts["remaining_objects"] = len(media.list_prefix(prefix)) + failed_outside
    return counts


def member_erase(
    *,
    member: Membership,
    reason: str,
    requested_by: str,
    actor: Membership | None = None,
    now: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> DeletionReceipt:
    """Withdraw consent, stop processing, delete the member's data and keep a receipt."""
    now = now or timezone.now()
    with transaction.atomic():
        # An upload in flight holds this lock while it writes its row (see selfie_upload).
        Membership.objects.select_for_update().filter(pk=member.pk).first()
        receipt = DeletionReceipt.objects.create(
            organization_id=member.organization_id,
            member_id=member.pk,
            reason=reason,
            requested_by=requested_by[:120],
            requested_at=now,
        )
        consents = _consents_close(member=member, now=now)
        jobs = sum(h.stop(member=member, reason=f"Cancelled: {reason}.") for h in personal_data_handlers())
        audit_event_record(
            actor=actor,
            organization=member.organization,
            verb=Verb.MEMBER_ERASURE_REQUESTED,
            target=receipt,
            subject=member,
            data={"reason": reason, "requested_by": requested_by} | (data or {}),
        )
        if consents:
            audit_event_record(
                actor=actor,
                organization=member.organization,
                verb=Verb.CONSENT_WITHDRAWN,
                target=member,
            )
    counts = {"consents_withdrawn": consents, "jobs_cancelled": jobs} | member_purge(member=member)
    receipt = _receipt_complete(receipt, member, counts, actor)
    _receipt_mail(receipt, member)
    return receipt


def _receipt_mail(receipt: DeletionReceipt, member: Membership) -> None:
    context = {
        "organization_name": member.organization.name,
        "receipt_id": str(receipt.pk),
        "completed_at": receipt.completed_at.isoformat() if receipt.completed_at else "still in progress",
        "counts": {k: int(v) for k, v in receipt.counts.items()},
    }
    mail_after_commit(message="erasure_receipt", to=member.user.email, context=context)


def _receipt_complete(
    receipt: DeletionReceipt, member: Membership, counts: dict[str, int], actor: Membership | None
) -> DeletionReceipt:
    remaining = counts.pop("remaining_objects")
    with transaction.atomic():
        receipt.counts = counts
        receipt.remaining_objects = remaining
        receipt.completed_at = timezone.now() if remaining == 0 else None
        receipt.save(update_fields=["counts", "remaining_objects", "completed_at"])
        audit_event_record(
            actor=actor,
            organization=member.organization,
            verb=Verb.MEMBER_ERASED,
            target=receipt,
            subject=member,
            data={"counts": counts, "remaining_objects": remaining},
        )
    return receipt


def receipt_retry(*, receipt: DeletionReceipt) -> DeletionReceipt:
    """Finish an erasure that a storage error left incomplete (run by the sweep)."""
    member = Membership.objects.select_related("organization").filter(pk=receipt.member_id).first()
    if member is None:
        return receipt
    counts = member_purge(member=member)
    merged = {k: receipt.counts.get(k, 0) + v for k, v in counts.items() if k != "remaining_objects"}
    return _receipt_complete(receipt, member, merged | {"remaining_objects": counts["remaining_objects"]}, None)
