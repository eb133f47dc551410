"""A real `celery worker -Q gpu` on Redis takes a diffusion job to stored headshots."""

from __future__ import annotations

import time

import pytest

from core import media
from generation import services
from generation.models import Engine, JobStatus
from tests import factories
from tests.generation import diffusion_fixtures
from tests.generation.diffusion_fixtures import tiny_options
from tests.worker_support import NEEDS_SERVICES, celery_worker, services_running, tasks_sent_to_redis

tiny_sdxl = diffusion_fixtures.tiny_sdxl  # the session fixture

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.skipif(not services_running(), reason=NEEDS_SERVICES),
]


@pytest.fixture
def diffusion_style(admin, tiny_sdxl):
    return services.brand_style_update(
        actor=admin,
        changes={
            "engine": Engine.DIFFUSION,
            "output_width": 256,
            "output_height": 256,
            "variant_count": 2,
            "options": tiny_options(tiny_sdxl),
        },
    )


@pytest.fixture
def gpu_worker(diffusion_style, tmp_path):
    """Started after the style is committed, so its process warms that style's pipeline."""
    with celery_worker(queues="gpu", pool="prefork", log=tmp_path / "worker.log") as log, tasks_sent_to_redis():
        yield log


def wait_for(job, seconds: float = 240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job still {job.status} after {seconds}s")


@pytest.mark.django_db(transaction=True)
def test_a_gpu_worker_renders_a_diffusion_job_into_stored_headshots(consented, astronaut_png, gpu_worker):
    assert factories.selfie(actor=consented, data=astronaut_png).usable

    job = wait_for(services.job_enqueue(actor=consented, idempotency_key="on-a-worker"))

    worker_log = gpu_worker.read_text()
    assert job.status == JobStatus.SUCCEEDED, (job.error, worker_log[-3000:])
    assert (job.progress_step, job.progress_total) == (2, 2)
    shots = list(job.headshots.order_by("variant_index"))
    assert [s.variant_index for s in shots] == [0, 1]
    assert all(media.get(s.storage_key)[:2] == b"\xff\xd8" for s in shots)
    assert "warm diffusion model" in worker_log  # loaded at process start, not on the job
