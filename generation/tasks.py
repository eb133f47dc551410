"""Thin Celery entry points: take ids, call one service, return quietly if the row is gone."""

from __future__ import annotations

from celery import Task, shared_task

from . import services, workers  # noqa: F401  (workers connects the GPU warm-up signal)

# Both tasks are idempotent (a conditional claim; outputs at keys derived from the row), so a
# message is acknowledged only after the task ends, and put back when the process running it
# dies (reject_on_worker_lost): a lost worker never loses the message.
IDEMPOTENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(bind=True, **IDEMPOTENT)
def render_job_task(self: Task, job_id: str) -> None:
    services.job_run(job_id=job_id, heartbeat=not self.request.is_eager)


@shared_task(**IDEMPOTENT)
def build_export_task(export_id: str) -> None:
    services.export_build(export_id=export_id)


@shared_task(acks_late=False)
def jobs_sweep_task() -> None:
    """Every minute (celery beat): jobs whose worker is gone, or whose message was lost."""
    services.jobs_sweep()


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=3)
def make_sizes_task(headshot_id: str) -> None:
    services.headshot_sizes_make(headshot_id=headshot_id)


@shared_task
def exports_resume_task() -> int:
    return services.exports_resume_stalled()


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=3)
def check_selfie_task(selfie_id: str) -> None:
    """The selfie checklist, off the upload's request path (default queue)."""
    services.selfie_check(selfie_id=selfie_id)
