"""/api/exports/: HR exports approved headshots and downloads them through a short-lived link."""

from __future__ import annotations

import io
import zipfile

import pytest

from generation import services
from generation.models import Export
from tests.api_support import chosen_headshot


@pytest.fixture
def approved(consented, hr, django_capture_on_commit_callbacks):
    return services.headshot_approve(actor=hr, headshot=chosen_headshot(consented, django_capture_on_commit_callbacks))


def _download(client, export_id) -> zipfile.ZipFile:
    response = client.get(f"/api/exports/{export_id}/download/")
    assert response.status_code == 302, getattr(response, "data", response)
    link = response["Location"]
    if link.startswith("http"):  # S3: a presigned URL
        import requests

        body = requests.get(link, timeout=10).content
    else:  # local storage: our signed media view
        body = b"".join(client.get(link).streaming_content)
    return zipfile.ZipFile(io.BytesIO(body))


def test_hr_exports_the_approved_headshots_and_downloads_the_zip(approved, hr, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(hr).post("/api/exports/", {"department": ""}, format="json")
    assert response.status_code == 201, response.data
    export = api(hr).get(f"/api/exports/{response.data['id']}/").data
    assert (export["status"], export["headshot_count"]) == ("succeeded", 1)
    archive = _download(api(hr), export["id"])
    assert "manifest.csv" in archive.namelist()
    assert approved.member.user.email in archive.read("manifest.csv").decode()


def test_nothing_approved_means_no_export(hr, api):
    response = api(hr).post("/api/exports/", {}, format="json")
    assert (response.status_code, response.data["error"]) == (400, "nothing_to_export")
    assert not Export.objects.exists()


def test_an_unfinished_export_cannot_be_downloaded(approved, hr, api):
    export_id = api(hr).post("/api/exports/", {}, format="json").data["id"]  # not committed: still queued
    response = api(hr).get(f"/api/exports/{export_id}/download/")
    assert (response.status_code, response.data["error"]) == (400, "not_ready")


@pytest.mark.parametrize("method, path", [("post", ""), ("get", ""), ("get", "{id}/"), ("get", "{id}/download/")])
def test_an_employee_cannot_export(approved, hr, consented, api, method, path):
    export = services.export_create(actor=hr)
    before = Export.objects.count()
    response = getattr(api(consented), method)("/api/exports/" + path.format(id=export.id))
    assert (response.status_code, response.data["error"]) == (403, "not_hr")
    assert Export.objects.count() == before


@pytest.mark.parametrize("path", ["{id}/", "{id}/download/"])
def test_someone_from_another_organisation_gets_a_404(
    approved, hr, outsider, api, path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_create(actor=hr)
    assert api(outsider).get("/api/exports/" + path.format(id=export.id)).status_code == 404
    assert api(outsider).get("/api/exports/").data["results"] == []
