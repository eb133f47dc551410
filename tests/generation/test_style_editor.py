"""The brand-style editor: a live preview from the studio engine, saving versions, bad input."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from compliance.models import AuditEvent
from core import media
from generation.models import BrandStyle, GenerationJob
from tests import factories
from tests.page_helpers import approved_headshot, browser, messages_of


def _form(**overrides) -> dict:
    values = {
        "name": "Default",
        "engine": "studio",
        "backdrop_kind": "solid",
        "backdrop_color": "#204060",
        "backdrop_color2": "#FFFFFF",
        "backdrop_blur": "0",
        "eye_line": "0.40",
        "eye_distance": "0.20",
        "output_width": "512",
        "output_height": "640",
        "variant_count": "2",
        "platform_sizes": "slack 512x512\nlinkedin 400x400\nprint 2400x3000",
    }
    return values | overrides


def _png(size=(300, 200), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _state(admin) -> tuple[int, int, list[str]]:
    org = admin.organization
    return (
        BrandStyle.objects.filter(organization=org).count(),
        AuditEvent.objects.count(),
        media.list_prefix(f"orgs/{org.id}/brand/"),
    )


def test_the_preview_is_rendered_by_the_studio_engine_and_saves_nothing(admin):
    before = _state(admin)
    response = browser(admin).post(reverse("generation:brand-style"), _form(preview="1"))
    assert response.status_code == 200
    preview = response.context["preview"]
    image = Image.open(io.BytesIO(preview.jpeg))
    assert image.size == (410, 512)  # the 512 x 640 output, scaled to a 512 px long side
    # The backdrop colour is what the corners show.
    corner = image.convert("RGB").getpixel((3, 3))
    assert abs(corner[0] - 0x20) < 12 and abs(corner[2] - 0x60) < 12
    assert 'src="data:image/jpeg;base64,' in response.content.decode()
    assert _state(admin) == before


def test_a_preview_with_an_uploaded_backdrop_uses_it_and_stores_nothing(admin):
    before = _state(admin)
    upload = SimpleUploadedFile("brand.png", _png(colour=(10, 200, 10)), content_type="image/png")
    response = browser(admin).post(
        reverse("generation:brand-style"), _form(preview="1", backdrop_kind="image", backdrop_image=upload)
    )
    assert response.status_code == 200
    corner = Image.open(io.BytesIO(response.context["preview"].jpeg)).convert("RGB").getpixel((3, 3))
    assert corner[1] > 150 and corner[0] < 60
    assert _state(admin) == before


def test_a_preview_on_the_admins_own_photo_needs_their_consent(admin):
    response = browser(admin).post(reverse("generation:brand-style"), _form(preview="1", preview_on_own_photo="on"))
    assert response.status_code == 400
    assert any("needs your consent" in m for m in messages_of(response))
    factories.consent(admin)
    factories.selfie(actor=admin, data=factories.astronaut_png())  # uploaded and checked, as the worker does
    response = browser(admin).post(reverse("generation:brand-style"), _form(preview="1", preview_on_own_photo="on"))
    assert response.status_code == 200 and response.context["preview"]


def test_saving_makes_a_new_version_with_the_uploaded_backdrop(admin):
    old = BrandStyle.objects.get(organization=admin.organization, is_current=True)
    upload = SimpleUploadedFile("brand.png", _png(), content_type="image/png")
    response = browser(admin).post(
        reverse("generation:brand-style"), _form(backdrop_kind="image", backdrop_image=upload)
    )
    assert response.status_code == 302
    new = BrandStyle.objects.get(organization=admin.organization, is_current=True)
    assert new.version == old.version + 1 and new.backdrop["kind"] == "image"
    assert media.list_prefix(f"orgs/{admin.organization.id}/brand/") == [new.backdrop["image_key"]]
    assert new.framing == {"eye_line": 0.4, "eye_distance": 0.2} and new.output_height == 640
    # Saving again without a new file keeps the stored image.
    browser(admin).post(reverse("generation:brand-style"), _form(backdrop_kind="image", backdrop_color="#000000"))
    newer = BrandStyle.objects.get(organization=admin.organization, is_current=True)
    assert newer.backdrop["image_key"] == new.backdrop["image_key"] and newer.version == new.version + 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"eye_line": "0.9"}, "eye_line"),
        ({"eye_distance": "0.01"}, "eye_distance"),
        ({"output_width": "99999"}, "output_width"),
        ({"backdrop_color": "blue"}, "backdrop_color"),
        ({"variant_count": "0"}, "variant_count"),
        ({"platform_sizes": "slack 512 by 512"}, "platform_sizes"),
        ({"platform_sizes": "huge 99999x10"}, "platform_sizes"),
    ],
)
def test_out_of_range_values_are_named_and_nothing_changes(admin, overrides, field):
    before = _state(admin)
    response = browser(admin).post(reverse("generation:brand-style"), _form(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert _state(admin) == before


def test_a_backdrop_that_is_not_an_image_is_refused_and_nothing_changes(admin):
    before = _state(admin)
    upload = SimpleUploadedFile("brand.png", b"%PDF-1.7 not a picture", content_type="image/png")
    response = browser(admin).post(
        reverse("generation:brand-style"), _form(backdrop_kind="image", backdrop_image=upload)
    )
    assert response.status_code == 400
    assert any("not an image we can read" in m for m in messages_of(response))
    assert _state(admin) == before


def test_a_backdrop_over_the_size_cap_is_refused_and_nothing_changes(admin, settings):
    settings.BRAND_IMAGE_MAX_BYTES = 10_000
    before = _state(admin)
    big = factories.astronaut_png()  # a real picture, well over 10 kB
    assert len(big) > 10_000
    upload = SimpleUploadedFile("big.png", big, content_type="image/png")
    response = browser(admin).post(
        reverse("generation:brand-style"), _form(backdrop_kind="image", backdrop_image=upload)
    )
    assert response.status_code == 400
    assert any("the limit is" in m for m in messages_of(response))
    assert _state(admin) == before


def test_the_api_refuses_out_of_range_framing_and_changes_nothing(admin, api):
    before = _state(admin)
    response = api(admin).patch("/api/brand-style/", {"framing": {"eye_line": 5}}, format="json")
    assert response.status_code == 400 and response.json()["error"] == "bad_framing"
    assert _state(admin) == before


def test_the_api_saves_a_version_and_previews(admin, api):
    client = api(admin)
    response = client.patch("/api/brand-style/", {"backdrop_color": "#112233"}, format="json")
    assert response.status_code == 200 and response.json()["backdrop_color"] == "#112233"
    assert client.get("/api/brand-style/").json()["version"] == response.json()["version"]
    preview = client.post("/api/brand-style/preview/", {"output_width": 256, "output_height": 256}, format="json")
    assert preview.status_code == 200 and preview.json()["image"].startswith("data:image/jpeg;base64,")


def test_saving_with_rerender_queues_a_job_for_each_approved_headshot(admin, hr, consented, commit):
    approved_headshot(consented, admin=admin, hr=hr)
    with commit():
        response = browser(admin).post(reverse("generation:brand-style"), _form(rerender="on"), follow=True)
    style = BrandStyle.objects.get(organization=admin.organization, is_current=True)
    jobs = GenerationJob.objects.filter(style=style, member=consented)
    assert "Queued 1 re-render of approved headshots." in messages_of(response)
    assert jobs.get().status == "succeeded"  # the job ran after commit, in the new style
    assert "1 done" in browser(admin).get(reverse("generation:brand-style")).content.decode()


def test_a_framing_value_that_is_not_a_number_is_refused_by_the_api(admin, api):
    before = _state(admin)
    response = api(admin).patch("/api/brand-style/", {"framing": {"eye_line": "high"}}, format="json")
    assert response.status_code == 400 and response.json()["error"] == "bad_framing"
    assert _state(admin) == before


def test_the_styles_platform_sizes_are_what_people_download(admin, hr, consented):
    response = browser(admin).post(
        reverse("generation:brand-style"), _form(platform_sizes="badge 300x400\nslack 512x512")
    )
    assert response.status_code == 302
    approved_headshot(consented, admin=admin, hr=hr)  # rendered in the new version
    page = browser(consented)
    badge = page.get(reverse("generation:my-headshot-download", args=["badge"]))
    assert badge.status_code == 200 and Image.open(io.BytesIO(badge.content)).size == (300, 400)
    assert page.get(reverse("generation:my-headshot-download", args=["linkedin"])).status_code == 404
