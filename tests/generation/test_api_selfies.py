"""/api/selfies/: upload after consent; bad files are refused and nothing is stored."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generation.models import Selfie
from tests import factories
from tests.api_support import image_bytes, stored_keys, upload


def test_a_consenting_employee_uploads_a_selfie_and_sees_its_checklist_arrive(
    consented, api, astronaut_png, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        response = upload(api(consented), astronaut_png)
    assert response.status_code == 201, response.data
    # The upload answers before the checklist: it runs on the default queue after the commit.
    assert (response.data["checked"], response.data["usable"], response.data["checks"]) == (False, False, None)
    assert api(consented).get(f"/api/selfies/{response.data['id']}/").data["checked"] is False

    for task in after_commit:  # the worker's part
        task()
    detail = api(consented).get(f"/api/selfies/{response.data['id']}/").data
    assert (detail["checked"], detail["usable"]) == (True, True), detail
    assert {c["code"] for c in detail["checks"]["checks"]} >= {"resolution", "one_face"}
    assert detail["image_url"]
    assert [s["id"] for s in api(consented).get("/api/selfies/").data["results"]] == [response.data["id"]]
    assert len(stored_keys(consented)) == 1


def test_without_consent_nothing_is_stored(employee, api, astronaut_png):
    response = upload(api(employee), astronaut_png)
    assert (response.status_code, response.data["error"]) == (403, "consent_required")
    assert not Selfie.objects.filter(member=employee).exists()
    assert stored_keys(employee) == []


def _huge_png() -> bytes:
    # 8000 x 7000 = 56 megapixels, but 1-bit and all black: a few kilobytes to build and send.
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, "PNG")
    return buffer.getvalue()


BAD_FILES = {
    "not an image": (lambda: b"%PDF-1.4 definitely not a photo", "not_an_image", "not an image"),
    "over 20 MB": (lambda: b"\xff\xd8" + b"\0" * (21 * 1024 * 1024), "too_large", "limit is 20 MB"),
    "over 50 megapixels": (_huge_png, "too_many_pixels", "50 megapixels"),
    "a GIF": (lambda: image_bytes("GIF"), "bad_type", "GIF files are not accepted"),
    "a BMP": (lambda: image_bytes("BMP"), "bad_type", "BMP files are not accepted"),
    "a TIFF": (lambda: image_bytes("TIFF"), "bad_type", "TIFF files are not accepted"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_stored(consented, api, case):
    make, code, phrase = BAD_FILES[case]
    response = upload(api(consented), make())
    assert (response.status_code, response.data["error"]) == (400, code), response.data
    assert phrase in response.data["detail"]
    assert not Selfie.objects.filter(member=consented).exists()
    assert stored_keys(consented) == []


def test_an_employee_never_sees_a_colleagues_selfie(consented, admin, api, astronaut_png):
    colleague = factories.consent(factories.member(admin=admin))
    selfie_id = upload(api(colleague), astronaut_png).data["id"]
    assert api(consented).get(f"/api/selfies/{selfie_id}/").status_code == 404
    assert api(consented).get("/api/selfies/").data["results"] == []


def test_someone_from_another_organisation_cannot_see_or_delete_a_selfie(consented, outsider, api, astronaut_png):
    selfie_id = upload(api(consented), astronaut_png).data["id"]
    assert api(outsider).get(f"/api/selfies/{selfie_id}/").status_code == 404
    assert api(outsider).delete(f"/api/selfies/{selfie_id}/").status_code == 404
    assert Selfie.objects.filter(pk=selfie_id).exists()


def test_deleting_a_selfie_removes_the_file(consented, api, astronaut_png, django_capture_on_commit_callbacks):
    selfie_id = upload(api(consented), astronaut_png).data["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api(consented).delete(f"/api/selfies/{selfie_id}/").status_code == 204
    assert stored_keys(consented) == []
