"""A real `celery worker -Q gpu` on Redis takes a diffusion job to stored headshots."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

import config
from generation import services, storage
from generation.models import Engine, JobStatus
from tests.generation import diffusion_fixtures
from tests.generation.diffusion_fixtures import tiny_options

tiny_sdxl = diffusion_fixtures.tiny_sdxl  # the session fixture

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("HEADSHOT_TEST_SERVICES") != "1", reason="needs Postgres, Redis and S3"),
]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


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
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONPATH=str(ROOT),
    )
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "gpu",
                "-c",
                "1",
                "-P",
                "prefork",
                "-n",
                f"gpu-test-{uuid.uuid4().hex[:8]}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    eager, config.celery_app.conf.task_always_eager = (
        config.celery_app.conf.task_always_eager,
        False,
    )
    try:
        yield log
    finally:
        config.celery_app.conf.task_always_eager = eager
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


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
    assert services.selfie_upload(actor=consented, data=astronaut_png).usable

    job = wait_for(services.job_enqueue(actor=consented, idempotency_key="on-a-worker"))

    worker_log = gpu_worker.read_text()
    assert job.status == JobStatus.SUCCEEDED, (job.error, worker_log[-3000:])
    assert (job.progress_step, job.progress_total) == (2, 2)
    shots = list(job.headshots.order_by("variant_index"))
    assert [s.variant_index for s in shots] == [0, 1]
    assert all(storage.get(s.storage_key)[:2] == b"\xff\xd8" for s in shots)
    assert "warm diffusion model" in worker_log  # loaded at process start, not on the job
