"""The selfie page: multiple uploads, HEIC, and the checklist for each photo."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageOps

from core import media
from generation.models import Selfie
from tests import factories
from tests.page_helpers import browser

pytestmark = pytest.mark.django_db


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _heic(image: Image.Image) -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=90)
    return buffer.getvalue()


def test_several_photos_upload_at_once_and_each_shows_its_checklist(
    consented, astronaut_png, django_capture_on_commit_callbacks
):
    blank = factories.jpeg_bytes(Image.new("RGB", (300, 300), "white"))
    page = browser(consented)
    with django_capture_on_commit_callbacks(execute=True):  # then the checklists run, as on a worker
        page.post(
            reverse("generation:selfies"),
            {
                "photos": [
                    _file("me.png", astronaut_png),
                    _file("me.heic", _heic(ImageOps.mirror(Image.open(io.BytesIO(astronaut_png))))),  # not a dup
                    _file("wall.jpg", blank),
                ]
            },
        )
    text = page.get(reverse("generation:selfies")).content.decode()
    for name in ("me.png", "me.heic", "wall.jpg"):  # the upload answered before the checklist
        assert f"{name}: uploaded; the checklist is running" in text
    assert Selfie.objects.filter(member=consented).count() == 3
    assert {s.original_format for s in Selfie.objects.all()} == {"PNG", "HEIC", "JPEG"}
    # The unusable one says why, in words.
    assert "too small" in text and "could not find a face" in text
    assert text.count("Not usable") == 1


def test_a_file_that_is_not_an_image_is_refused_and_stores_nothing(consented):
    response = browser(consented).post(
        reverse("generation:selfies"),
        {"photos": [_file("notes.txt", b"just some text, no pixels")]},
        follow=True,
    )
    assert "notes.txt: The file is not an image we can read." in response.content.decode()
    assert not Selfie.objects.exists()
    assert media.list_prefix(f"orgs/{consented.organization_id}/") == []


def test_a_gif_is_refused_by_type(consented):
    buffer = io.BytesIO()
    Image.new("RGB", (500, 500)).save(buffer, "GIF")
    response = browser(consented).post(
        reverse("generation:selfies"), {"photos": [_file("a.gif", buffer.getvalue())]}, follow=True
    )
    assert "upload a JPEG, PNG, WebP or HEIC photo" in response.content.decode()
    assert not Selfie.objects.exists()


def test_without_consent_nothing_is_uploaded(employee, astronaut_png):
    page = browser(employee)
    assert b"Give your consent before uploading" in page.get(reverse("generation:selfies")).content
    response = page.post(reverse("generation:selfies"), {"photos": [_file("me.png", astronaut_png)]}, follow=True)
    assert "Give consent to photo processing" in response.content.decode()
    assert not Selfie.objects.exists()


def test_submitting_no_file_says_so(consented):
    response = browser(consented).post(reverse("generation:selfies"), {}, follow=True)
    assert "Choose at least one photo" in response.content.decode()


def test_a_member_sees_only_their_own_selfies_and_deletes_them(consented, admin, astronaut_png):
    colleague = factories.consent(factories.member(admin=admin))
    theirs = factories.selfie(actor=colleague, data=astronaut_png)
    mine = factories.selfie(actor=consented, data=astronaut_png)
    page = browser(consented)
    listing = page.get(reverse("generation:selfies")).content.decode()
    assert str(mine.id) in listing and str(theirs.id) not in listing
    assert page.post(reverse("generation:selfie-delete", args=[theirs.id])).status_code == 404
    assert Selfie.objects.filter(pk=theirs.pk).exists()
    assert page.post(reverse("generation:selfie-delete", args=[mine.id])).status_code == 302
    assert not Selfie.objects.filter(pk=mine.pk).exists()


def test_another_organisations_selfie_is_a_404(consented, outsider, astronaut_png):
    selfie = factories.selfie(actor=consented, data=astronaut_png)
    assert browser(outsider).post(reverse("generation:selfie-delete", args=[selfie.id])).status_code == 404
    assert Selfie.objects.filter(pk=selfie.pk).exists()
