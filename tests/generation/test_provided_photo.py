"""A member who declines face processing provides a finished photo; HR reviews it like any other."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from compliance.models import ConsentRecord
from core import media
from core.exceptions import ApplicationError
from generation import services as gen
from generation.models import Headshot, ReviewState, Selfie
from generation.selectors import review_queue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_face_processing(monkeypatch):
    """Prove it: any face detection, descriptor or skin measurement on this path fails the test."""
    from generation.imaging import checks, faces

    def refuse(*args, **kwargs):
        raise AssertionError("face processing on the no-biometrics path")

    for module, name in ((faces, "detect_faces"), (faces, "face_descriptor"), (checks, "analyse_selfie")):
        monkeypatch.setattr(module, name, refuse)


def _photo(size=(1600, 1200)) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Jane Doe"
    Image.new("RGB", size, (120, 140, 160)).save(out, "JPEG", exif=exif.tobytes(), comment=b"from my phone")
    return out.getvalue()


def test_a_provided_photo_is_resized_only_and_goes_to_hr(employee, hr, client):
    assert not ConsentRecord.objects.filter(member=employee).exists()  # no biometric consent at all
    client.force_login(employee.user)
    assert "Prefer not to have your face processed?" in client.get("/selfies/").content.decode()
    response = client.post("/headshots/provide/", {"photo": io.BytesIO(_photo())})
    assert response.status_code == 302

    headshot = Headshot.objects.get(member=employee)
    assert headshot.chosen and headshot.review_state == ReviewState.PENDING
    assert not Selfie.objects.filter(member=employee).exists()
    stored = media.get(headshot.storage_key)
    image = Image.open(io.BytesIO(stored))
    assert image.size == (headshot.width, headshot.height) == (1024, 1024)  # the brand's output size
    assert b"Jane Doe" not in stored and b"from my phone" not in stored
    assert headshot in review_queue(actor=hr)  # in HR's queue like any chosen headshot
    approved = gen.headshot_approve(actor=hr, headshot=headshot)
    assert approved.review_state == ReviewState.APPROVED


def test_a_bad_file_stores_nothing(employee):
    with pytest.raises(ApplicationError):
        gen.headshot_provide(actor=employee, data=b"not an image")
    assert not Headshot.objects.filter(member=employee).exists()
