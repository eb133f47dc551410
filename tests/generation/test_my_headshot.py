"""An employee downloads their approved headshot in every platform size, with its disclosure."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from generation.imaging.disclosure import STUDIO_COMPOSITE, digital_source_type
from generation.platform_sizes import PLATFORM_SIZES
from tests.page_helpers import approved_headshot, browser


@pytest.fixture
def approved(admin, hr, consented):
    approved_headshot(consented, admin=admin, hr=hr)
    return consented


def test_every_size_is_one_click_and_keeps_the_disclosure(approved):
    page = browser(approved)
    listing = page.get(reverse("generation:my-headshot")).content.decode()
    for name, size in PLATFORM_SIZES.items():
        url = reverse("generation:my-headshot-download", args=[name])
        assert url in listing
        response = page.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert "attachment" in response["Content-Disposition"]
        width, height = Image.open(io.BytesIO(response.content)).size
        # The platform's shape, at its size, or smaller where the master is smaller: never upscaled.
        assert width <= size[0] and height <= size[1] and abs(width / height - size[0] / size[1]) < 0.01
        assert (width, height) == size or max(width, height) <= 1024
        assert digital_source_type(response.content) == STUDIO_COMPOSITE


def test_the_zip_holds_the_original_and_every_size(approved):
    response = browser(approved).get(reverse("generation:my-headshot-zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 1 + len(PLATFORM_SIZES)
    for name in names:
        assert digital_source_type(archive.read(name)) == STUDIO_COMPOSITE


def test_the_api_lists_sizes_and_serves_them(approved, api):
    client = api(approved)
    body = client.get("/api/me/headshot/").json()
    assert {s["name"] for s in body["sizes"]} == {"original", *PLATFORM_SIZES}
    response = client.get("/api/me/headshot/slack/")
    assert response.status_code == 200 and Image.open(io.BytesIO(response.content)).size == PLATFORM_SIZES["slack"]


def test_without_an_approved_headshot_there_is_nothing_to_download(employee, api):
    page = browser(employee)
    assert "no approved headshot yet" in page.get(reverse("generation:my-headshot")).content.decode()
    assert page.get(reverse("generation:my-headshot-download", args=["slack"])).status_code == 404
    assert page.get(reverse("generation:my-headshot-zip")).status_code == 404
    assert api(employee).get("/api/me/headshot/").status_code == 404


def test_an_unknown_size_is_a_404(approved):
    assert browser(approved).get(reverse("generation:my-headshot-download", args=["billboard"])).status_code == 404


def test_a_chosen_but_unapproved_headshot_cannot_be_downloaded(admin, consented):
    from generation import services
    from tests.page_helpers import rendered_job

    job = rendered_job(consented, admin=admin)
    services.headshot_choose(actor=consented, headshot=job.headshots.first())
    assert browser(consented).get(reverse("generation:my-headshot-download", args=["original"])).status_code == 404
