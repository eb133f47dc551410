"""Thin Celery entry points for compliance work; the beat schedule is in settings."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import services

# Each task is idempotent: acknowledged when it ends, retried with backoff when the broker or database blips.
RETRYING: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(**RETRYING)
def retention_sweep_task() -> str:
    run = services.retention_sweep()
    return str(run.pk)


@shared_task(**RETRYING)
def offboarding_erase_task(member_id: str) -> None:
    services.offboarding_erase(member_id=member_id)


@shared_task(**RETRYING)
def organization_deletions_task() -> int:
    from .services.organization_deletion import organization_deletions_run_due

    return organization_deletions_run_due()


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def storage_reconcile_task() -> int:
    from .services.reconcile import storage_reconcile

    return len(storage_reconcile().orphans)
