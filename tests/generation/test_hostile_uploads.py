"""A corpus of hostile and unusual uploads against POST /api/selfies/.

Every file gets a clear 4xx or a correct acceptance; nothing is half-stored; an accepted
photo is stored as one plain JPEG with no metadata left (EXIF, GPS, comments, XMP, ICC,
second images, appended payloads).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from compliance.biometric import biometric_grant
from core import media
from generation.models import Selfie
from tests.api_support import stored_keys, upload

from .hostile_corpus import ACCEPT, CASES, SECRETS, astronaut


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES)
def test_each_hostile_upload_is_refused_clearly_or_stored_clean(consented, api, case):
    make, expected = CASES[case]
    expected = (expected,) if isinstance(expected, str) else expected
    response = upload(api(consented), make(), name="upload.jpg", content_type="image/jpeg")
    assert response.status_code in (201, 400), (case, response.status_code)
    if response.status_code == 400:
        assert response.data["error"] in expected, (case, response.data)
        assert response.data["detail"].endswith("."), response.data
        assert not Selfie.objects.filter(member=consented).exists()
        assert stored_keys(consented) == []
        return
    assert ACCEPT in expected, (case, response.data)
    selfie = Selfie.objects.get(member=consented)
    assert stored_keys(consented) == [selfie.storage_key]
    stored = media.get(selfie.storage_key, grant=biometric_grant(member=consented))
    _assert_clean_jpeg(stored, selfie)
    if "claiming" not in case and "49 MP" not in case:
        _assert_looks_like_the_photo(stored, case=case)


def _assert_clean_jpeg(stored: bytes, selfie: Selfie) -> None:
    for secret in SECRETS:
        assert secret not in stored, secret
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert not {"exif", "comment", "icc_profile", "xmp", "mp"} & set(image.info)
    assert stored.rstrip(b"\0").endswith(b"\xff\xd9")  # nothing appended after the image
    assert (image.width, image.height) == (selfie.width, selfie.height)
    assert max(image.size) <= 6000


def _assert_looks_like_the_photo(stored: bytes, *, case: str) -> None:
    """The right pixels: a 16-bit or greyscale photo is not white, a palette one not black."""
    image = Image.open(io.BytesIO(stored)).convert("L")
    if "orientation" in case:  # a 512x384 crop; orientation 6 turns it upright
        assert image.size == ((384, 512) if "(6)" in case else (512, 384))
        return
    assert image.size == (512, 512)
    small, reference = (im.resize((32, 32), Image.Resampling.BOX) for im in (image, astronaut().convert("L")))
    difference = np.abs(np.asarray(small, dtype=float) - np.asarray(reference, dtype=float)).mean()
    assert difference < 20, difference  # dithering (1-bit) averages out at 32x32
