"""Jobs always end: the periodic sweep (celery beat, every minute) finds jobs nobody is
working on and either sends them again or fails them with a reason the member reads.

- running, heartbeat older than JOB_HEARTBEAT_TIMEOUT_SECONDS: the worker died (SIGKILL,
  out of memory, a lost machine). Back to queued and sent again; the JOB_MAX_ATTEMPTS-th
  lost run fails it.
- queued, never taken by the broker or sent longer than JOB_QUEUED_RESEND_SECONDS ago: the
  message was lost (broker outage or restart). Sent again; a second copy of a message that
  was only slow is harmless, since only one claim succeeds. Queued for longer than
  JOB_QUEUED_MAX_SECONDS: failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import Verb, audit_event_record

from ..models import GenerationJob, JobStatus
from .jobs import job_dispatch

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    requeued: int = 0
    resent: int = 0
    failed: int = 0


def jobs_sweep(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    dead = now - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS)
    for job in GenerationJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=dead):
        if job.lost_runs + 1 >= settings.JOB_MAX_ATTEMPTS:
            result.failed += _fail(job, JobStatus.RUNNING, _lost_worker_message(job.lost_runs + 1))
        elif _requeue(job):
            result.requeued += 1
    resend = now - timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS)
    too_old = now - timedelta(seconds=settings.JOB_QUEUED_MAX_SECONDS)
    lost = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend)
    for job in GenerationJob.objects.filter(lost, status=JobStatus.QUEUED, created_at__lt=resend):
        if job.created_at < too_old:
            message = "The render could not be started: the job queue was unavailable. Try again."
            result.failed += _fail(job, JobStatus.QUEUED, message)
        elif job_dispatch(job_id=job.id):
            result.resent += 1
    if result.requeued or result.resent or result.failed:
        log.warning("jobs_sweep: %s", result)
    return result


def _lost_worker_message(attempts: int) -> str:
    return (
        f"The render stopped {attempts} time(s) because the machine doing it was lost "
        "(for example it ran out of memory). Try again; if it keeps failing, try other photos."
    )


def _requeue(job: GenerationJob) -> bool:
    with transaction.atomic():
        moved = GenerationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, claim=job.claim).update(
            status=JobStatus.QUEUED,
            claim=None,
            heartbeat_at=None,
            dispatched_at=None,
            progress_step=0,
            lost_runs=F("lost_runs") + 1,
        )
        if moved:
            audit_event_record(
                actor=None,
                organization=job.organization,
                verb=Verb.JOB_REQUEUED,
                target=job,
                data={"lost_runs": job.lost_runs + 1, "reason": "worker lost"},
            )
            transaction.on_commit(lambda: job_dispatch(job_id=job.id))
    return bool(moved)


def _fail(job: GenerationJob, status: str, message: str) -> int:
    with transaction.atomic():
        failed = GenerationJob.objects.filter(pk=job.pk, status=status, claim=job.claim).update(
            status=JobStatus.FAILED, error=message, finished_at=timezone.now(), claim=None
        )
        if failed:
            audit_event_record(
                actor=None, organization=job.organization, verb=Verb.JOB_FAILED, target=job, data={"error": message}
            )
    return failed
