"""Jobs always end: a silent worker's job is sent again and, after JOB_MAX_ATTEMPTS lost runs,
failed with a reason the member reads; a job the broker never took is sent again; the member
can cancel a job that is not progressing; a dead job never holds a selfie past the legal limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from compliance.models import BIPA_CEILING_DAYS
from compliance.services.policy import retention_policy_get
from generation import services
from generation.models import GenerationJob, JobStatus, Selfie
from generation.privacy import selfies_due
from tests.api_support import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(consented, api, astronaut_png, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the checklist runs after the upload commits
        upload(api(consented), astronaut_png)
    assert Selfie.objects.get(member=consented).usable
    return consented


def _running_but_silent(job: GenerationJob, settings) -> None:
    silent = timezone.now() - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS + 1)
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=silent, attempts=1)


def test_a_job_whose_worker_died_is_requeued_then_failed_with_a_reason(ready, api, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(services.sweep, "job_dispatch", lambda *, job_id: sent.append(job_id) or True)
    job = services.job_enqueue(actor=ready, idempotency_key="lost")  # the on-commit send never fires here
    for lost in range(1, settings.JOB_MAX_ATTEMPTS):
        _running_but_silent(job, settings)
        assert services.jobs_sweep().requeued == 1
        job.refresh_from_db()
        assert (job.status, job.lost_runs) == (JobStatus.QUEUED, lost)
    _running_but_silent(job, settings)
    assert services.jobs_sweep().failed == 1
    shown = api(ready).get(f"/api/jobs/{job.id}/").data
    assert shown["status"] == "failed" and "the machine doing it was lost" in shown["error"]
    # The member is not blocked: retry works, and a new request would be refused only while it runs.
    assert api(ready).post(f"/api/jobs/{job.id}/retry/").data["status"] == "queued"


def test_a_job_with_a_live_heartbeat_is_left_alone(ready, settings):
    job = services.job_enqueue(actor=ready, idempotency_key="alive")
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert services.jobs_sweep().requeued == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_broker_outage_loses_no_job(ready, api, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr("generation.tasks.render_job_task.apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(ready).post("/api/jobs/", HTTP_IDEMPOTENCY_KEY="outage")
    assert response.status_code == 201, response.data  # the request succeeds; the row is the outbox
    job = GenerationJob.objects.get(pk=response.data["id"])
    assert (job.status, job.dispatched_at, job.dispatches) == (JobStatus.QUEUED, None, 1)

    sent = []
    monkeypatch.setattr("generation.tasks.render_job_task.apply_async", lambda *a, **k: sent.append(a))
    later = timezone.now() + timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS + 1)
    assert services.jobs_sweep(now=later).resent == 1 and len(sent) == 1
    job.refresh_from_db()
    assert job.dispatched_at is not None and job.dispatches == 2


def test_a_job_queued_for_too_long_fails_with_a_reason(ready, settings, monkeypatch):
    monkeypatch.setattr(services.sweep, "job_dispatch", lambda *, job_id: True)
    job = services.job_enqueue(actor=ready, idempotency_key="ancient")
    much_later = timezone.now() + timedelta(seconds=settings.JOB_QUEUED_MAX_SECONDS + 1)
    assert services.jobs_sweep(now=much_later).failed == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "could not be started" in job.error


def test_the_member_cancels_a_job_that_is_not_progressing_and_asks_again(ready, api):
    job = services.job_enqueue(actor=ready, idempotency_key="stuck")
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    client = api(ready)
    assert client.post("/api/jobs/", HTTP_IDEMPOTENCY_KEY="new").data["error"] == "job_in_progress"
    cancelled = client.post(f"/api/jobs/{job.id}/cancel/")
    assert cancelled.status_code == 200 and cancelled.data["status"] == "cancelled"
    assert client.post(f"/api/jobs/{job.id}/cancel/").data["error"] == "not_in_progress"
    assert client.post("/api/jobs/", HTTP_IDEMPOTENCY_KEY="new").status_code == 201


def test_someone_else_cannot_cancel_a_job(ready, outsider, admin, api):
    from tests import factories

    job = services.job_enqueue(actor=ready, idempotency_key="mine")
    colleague = factories.member(admin=admin)
    assert api(colleague).post(f"/api/jobs/{job.id}/cancel/").status_code == 404
    assert api(outsider).post(f"/api/jobs/{job.id}/cancel/").status_code == 404


def test_a_stuck_job_never_keeps_a_selfie_past_the_bipa_ceiling(ready):
    job = services.job_enqueue(actor=ready, idempotency_key="hung")
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    Selfie.objects.filter(member=ready).update(uploaded_at=timezone.now() - timedelta(days=BIPA_CEILING_DAYS + 105))
    policy = retention_policy_get(organization=ready.organization)
    due = selfies_due(organization=ready.organization, policy=policy, now=timezone.now())
    assert due.filter(member=ready).count() == 1


def test_the_job_page_offers_cancel_while_running_and_says_why_a_lost_job_failed(ready, settings, monkeypatch):
    from django.urls import reverse

    from tests.page_helpers import browser

    monkeypatch.setattr(services.sweep, "job_dispatch", lambda *, job_id: True)
    job = services.job_enqueue(actor=ready, idempotency_key="page")
    page = browser(ready)
    assert b"Cancel this job" in page.get(reverse("generation:job-detail", args=[job.id])).content
    for _ in range(settings.JOB_MAX_ATTEMPTS):
        _running_but_silent(job, settings)
        services.jobs_sweep()
    content = page.get(reverse("generation:job-detail", args=[job.id])).content.decode()
    assert "stopped part-way" in content and "Try again" in content
