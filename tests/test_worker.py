"""A real `celery worker` on Redis renders a job requested through the API.

Everything is real here: the API runs in this process on the pytest-django
test database (Postgres), the task goes through Redis, a worker subprocess
claims it and writes the headshots to S3 (moto's server), and the test lists
the bucket with boto3 to see them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.db import connection

from config import celery_app
from tests import factories
from tests.api_support import upload

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        os.environ.get("HEADSHOT_TEST_SERVICES") != "1",
        reason="needs Postgres, Redis and the S3 server: set HEADSHOT_TEST_SERVICES=1",
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(path: Path, text: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{path.read_text()}")
        if text in path.read_text():
            return
        time.sleep(0.3)
    pytest.fail(f"the worker did not get ready in {timeout}s:\n{path.read_text()}")


@pytest.fixture
def worker(transactional_db, tmp_path):
    assert connection.vendor == "postgresql", "the worker must share the test database"
    log = tmp_path / "worker.log"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": _database_url()}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-Q",
        "default,gpu",
        "--pool",
        "solo",
        "-c",
        "1",
        "--loglevel",
        "INFO",
        "--purge",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(log, "ready.", process, timeout=60)
        yield log
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def not_eager():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def _poll_job(client, job_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}/").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    return job


@pytest.mark.django_db(transaction=True)
def test_a_job_requested_through_the_api_is_rendered_by_a_real_worker_into_s3(
    worker, not_eager, admin, api, astronaut_png
):
    person = factories.consent(factories.member(admin=admin))
    client = api(person)
    assert upload(client, astronaut_png).status_code == 201

    created = client.post("/api/jobs/", HTTP_IDEMPOTENCY_KEY="worker-test")
    assert created.status_code == 201, created.data
    job = _poll_job(client, created.data["id"])
    assert job["status"] == "succeeded", f"{job}\n{worker.read_text()}"
    assert job["progress"]["step"] == job["progress"]["total"] == 4
    assert "render_job_task[" in worker.read_text()  # the worker ran it, not this process

    s3 = boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name=os.environ["S3_REGION"],
    )
    prefix = f"orgs/{admin.organization.id}/members/{person.id}/jobs/{job['id']}/"
    listed = s3.list_objects_v2(Bucket=os.environ["S3_BUCKET"], Prefix=prefix)
    keys = sorted(obj["Key"] for obj in listed.get("Contents", []))
    assert keys == [f"{prefix}variant-{i}.jpg" for i in range(4)]
