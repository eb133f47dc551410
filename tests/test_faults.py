"""Faults with real processes: a private Redis started here, real `celery worker` subprocesses.

Each fault ends, within FAULT_DEADLINE seconds, with the job succeeded exactly once (one set of
headshots, one file per variant) or failed with a reason the member reads. The test process
runs the sweep in its poll loop, standing in for celery beat; the heartbeat and sweep
timings come from settings (tests.fault_support.FAST_SWEEP).
"""

from __future__ import annotations

import time

import pytest

from core import media
from generation import services
from generation.models import GenerationJob, JobStatus
from tests import factories
from tests.fault_support import FAST_SWEEP, Worker, private_redis, publishing_to
from tests.worker_support import NEEDS_SERVICES, services_running

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.skipif(not services_running(), reason=NEEDS_SERVICES),
    pytest.mark.django_db(transaction=True),
]

FAULT_DEADLINE = 120  # seconds from the fault to the job's end


@pytest.fixture
def fast_sweep(settings):
    for name, value in FAST_SWEEP.items():
        setattr(settings, name, int(value))


@pytest.fixture
def redis(tmp_path, fast_sweep):
    with private_redis(tmp_path) as server, publishing_to(server.url):
        yield server


@pytest.fixture
def member(admin):
    services.brand_style_update(actor=admin, changes={"variant_count": 3})
    person = factories.consent(factories.member(admin=admin))
    assert factories.selfie(actor=person, data=factories.astronaut_png()).usable
    return person


def _wait(job: GenerationJob, until, *, timeout: float = FAULT_DEADLINE, sweep: bool = True) -> GenerationJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sweep:
            services.jobs_sweep()
        job.refresh_from_db()
        if until(job):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job still {job.status} after {timeout}s: {job.error}")


def _ended(job: GenerationJob) -> bool:
    return job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


def _assert_exactly_once(job: GenerationJob) -> None:
    assert job.status == JobStatus.SUCCEEDED, job.error
    variants = job.style.variant_count
    assert job.headshots.count() == variants
    prefix = f"orgs/{job.organization_id}/members/{job.member_id}/jobs/{job.id}/"
    assert sorted(media.list_prefix(prefix)) == sorted(h.storage_key for h in job.headshots.all())
    assert len(set(job.headshots.values_list("variant_index", flat=True))) == variants


def test_sigkill_of_the_whole_worker_mid_render(redis, member, tmp_path):
    first = Worker(redis.url, tmp_path / "worker-1.log")
    try:
        job = services.job_enqueue(actor=member, idempotency_key="sigkill-worker")
        _wait(job, lambda j: j.status == JobStatus.RUNNING, timeout=60, sweep=False)
        first.kill_all()
    finally:
        first.stop()
    killed_at = time.monotonic()
    second = Worker(redis.url, tmp_path / "worker-2.log")
    try:
        job = _wait(job, _ended)
    finally:
        second.stop()
    assert time.monotonic() - killed_at < FAULT_DEADLINE
    _assert_exactly_once(job)
    assert (job.lost_runs, job.attempts) == (1, 2)


def test_sigkill_of_only_the_pool_child_mid_render(redis, member, tmp_path):
    worker = Worker(redis.url, tmp_path / "worker.log")
    try:
        job = services.job_enqueue(actor=member, idempotency_key="sigkill-child")
        _wait(job, lambda j: j.status == JobStatus.RUNNING, timeout=60, sweep=False)
        worker.kill_child()
        job = _wait(job, _ended)
    finally:
        worker.stop()
    _assert_exactly_once(job)
    assert job.lost_runs == 1
    assert "WorkerLostError" in worker.log.read_text() or "exited prematurely" in worker.log.read_text()


def test_a_redis_restart_with_a_job_queued(redis, member, tmp_path):
    job = services.job_enqueue(actor=member, idempotency_key="redis-restart")
    job.refresh_from_db()
    assert job.dispatched_at is not None  # the broker took it ...
    redis.restart()  # ... and lost it: no persistence
    worker = Worker(redis.url, tmp_path / "worker.log")
    try:
        job = _wait(job, _ended)
    finally:
        worker.stop()
    _assert_exactly_once(job)
    assert job.dispatches >= 2


def test_a_job_that_keeps_killing_its_worker_fails_with_a_reason(redis, member, tmp_path, settings):
    worker = Worker(redis.url, tmp_path / "worker.log")
    killed: set = set()
    try:
        job = services.job_enqueue(actor=member, idempotency_key="always-oom")
        deadline = time.monotonic() + FAULT_DEADLINE
        while not _ended(job) and time.monotonic() < deadline:
            services.jobs_sweep()
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and job.claim not in killed:
                killed.add(job.claim)
                worker.kill_child()  # every run of this job runs out of memory
            time.sleep(0.1)
    finally:
        worker.stop()
    assert job.status == JobStatus.FAILED and "the machine doing it was lost" in job.error
    assert len(killed) == settings.JOB_MAX_ATTEMPTS
