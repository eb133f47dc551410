"""/api/jobs/: request headshots once per Idempotency-Key, watch progress, retry a failure."""

from __future__ import annotations

import pytest

from generation.engines.base import RenderError
from generation.engines.studio import StudioEngine
from generation.models import GenerationJob
from tests import factories
from tests.api_support import rendered_job


@pytest.fixture
def ready(consented, api, astronaut_png):
    """An employee with consent and one usable selfie."""
    assert factories.selfie(actor=consented, data=astronaut_png).usable
    return consented


def _create(client, key: str = "one"):
    return client.post("/api/jobs/", HTTP_IDEMPOTENCY_KEY=key)


def test_an_employee_asks_for_headshots_and_sees_the_finished_job(ready, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(api(ready))
    assert response.status_code == 201, response.data
    job = api(ready).get(f"/api/jobs/{response.data['id']}/").data
    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == {"step": 4, "total": 4, "percent": 100}
    assert len(job["headshots"]) == 4


def test_the_same_idempotency_key_twice_makes_one_job(ready, api):
    first = _create(api(ready), "same")
    second = _create(api(ready), "same")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.data["id"] == second.data["id"]
    assert GenerationJob.objects.filter(member=ready).count() == 1


def test_without_a_usable_selfie_no_job_is_made(consented, api):
    response = _create(api(consented))
    assert (response.status_code, response.data["error"]) == (400, "no_usable_selfies")
    assert not GenerationJob.objects.exists()


def test_a_failed_job_records_its_error_and_can_be_retried(ready, api, monkeypatch, django_capture_on_commit_callbacks):
    def broken(self, request, variants, **kwargs):
        raise RenderError("no face found in the selfie")

    with monkeypatch.context() as patch:
        patch.setattr(StudioEngine, "render", broken)
        with django_capture_on_commit_callbacks(execute=True):
            job_id = _create(api(ready)).data["id"]
    failed = api(ready).get(f"/api/jobs/{job_id}/").data
    assert failed["status"] == "failed"
    assert failed["error"] == "Rendering failed: no face found in the selfie"

    with django_capture_on_commit_callbacks(execute=True):
        retried = api(ready).post(f"/api/jobs/{job_id}/retry/")
    assert retried.status_code == 200, retried.data
    job = api(ready).get(f"/api/jobs/{job_id}/").data
    assert (job["status"], job["error"], job["attempts"]) == ("succeeded", "", 2)


def test_only_a_failed_job_can_be_retried(ready, api, django_capture_on_commit_callbacks):
    job = rendered_job(ready, django_capture_on_commit_callbacks)
    response = api(ready).post(f"/api/jobs/{job.id}/retry/")
    assert (response.status_code, response.data["error"]) == (400, "not_failed")


def test_hr_sees_the_organisations_jobs_and_an_employee_only_their_own(ready, hr, admin, api):
    job_id = _create(api(ready)).data["id"]
    colleague = factories.member(admin=admin)
    assert [j["id"] for j in api(hr).get("/api/jobs/").data["results"]] == [job_id]
    assert api(colleague).get(f"/api/jobs/{job_id}/").status_code == 404


def test_someone_from_another_organisation_cannot_see_or_retry_a_job(ready, outsider, api):
    job_id = _create(api(ready)).data["id"]
    GenerationJob.objects.filter(pk=job_id).update(status="failed")
    assert api(outsider).get(f"/api/jobs/{job_id}/").status_code == 404
    assert api(outsider).post(f"/api/jobs/{job_id}/retry/").status_code == 404
    assert GenerationJob.objects.get(pk=job_id).status == "failed"
    assert api(outsider).get("/api/jobs/").data["results"] == []
