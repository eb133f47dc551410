"""A real `celery worker` on Redis renders a job requested through the API.

Everything is real here: the API runs in this process on the pytest-django
test database (Postgres), the task goes through Redis, a worker subprocess
claims it and writes the headshots to S3 (moto's server), and the test lists
the bucket with boto3 to see them.
"""

from __future__ import annotations

import os
import time

import boto3
import pytest

from tests import factories
from tests.api_support import upload
from tests.worker_support import NEEDS_SERVICES, celery_worker, services_running, tasks_sent_to_redis

pytestmark = [pytest.mark.worker, pytest.mark.skipif(not services_running(), reason=NEEDS_SERVICES)]


@pytest.fixture
def worker(transactional_db, tmp_path):
    with celery_worker(queues="default,gpu", log=tmp_path / "worker.log") as log, tasks_sent_to_redis():
        yield log


def _poll(client, url: str, done, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.get(url).json()
        if done(found):
            return found
        time.sleep(0.3)
    return found


def _poll_job(client, job_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}/").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    return job


@pytest.mark.django_db(transaction=True)
def test_a_job_requested_through_the_api_is_rendered_by_a_real_worker_into_s3(worker, admin, api, astronaut_png):
    person = factories.consent(factories.member(admin=admin))
    client = api(person)
    uploaded = upload(client, astronaut_png)
    assert uploaded.status_code == 201 and uploaded.data["checked"] is False  # answered before the checklist
    selfie = _poll(client, f"/api/selfies/{uploaded.data['id']}/", lambda s: s["checked"])
    assert selfie["usable"] is True, selfie  # the worker ran the checklist

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
