"""Uploads lose every metadata segment, comments included, whatever format they came in."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from core import media as storage
from generation import services as gen
from generation.imaging.disclosure import disclose_jpeg
from generation.imaging.io import encode_jpeg
from tests import factories

SECRET = "GPS 48.8584N 2.2945E shot by Jane Doe"
XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{SECRET}</rdf:Description></x:xmpmeta>'.encode()
# The segments a bare baseline/progressive JPEG needs: start, JFIF header, tables, frame, scan, end.
PIXEL_SEGMENTS = {0xD8, 0xE0, 0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xDD, 0xDA, 0xD9}


def jpeg_markers(data: bytes) -> list[int]:
    markers, i = [], 0
    while i < len(data) - 1:
        assert data[i] == 0xFF, f"not at a marker at {i}"
        marker = data[i + 1]
        markers.append(marker)
        if marker in (0xD8, 0xD9):
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker == 0xDA:  # entropy-coded data runs to the end marker
            return markers + [0xD9]
        i += 2 + length
    return markers


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x013B] = "Jane Doe"  # Artist
    return exif.tobytes()


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def with_metadata(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", exif=_exif(), comment=SECRET, xmp=XMP, icc_profile=_icc(), quality=95)
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", SECRET)
        text.add_itxt("Author", SECRET)
        image.save(out, "PNG", pnginfo=text, exif=_exif(), icc_profile=_icc())
    else:
        image.save(out, "WEBP", exif=_exif(), xmp=XMP, icc_profile=_icc(), quality=95)
    return out.getvalue()


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.open(io.BytesIO(factories.astronaut_png())).convert("RGB")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_stored_selfie_has_pixels_and_nothing_else(db, fmt, astronaut):
    upload = with_metadata(astronaut, fmt)
    assert SECRET.encode() in upload or SECRET.encode("utf-16-be") in upload or fmt == "PNG"
    person = factories.consent(factories.member(admin=factories.organization(name="Acme")))
    selfie = gen.selfie_upload(actor=person, data=upload)
    from compliance.biometric import biometric_grant

    stored = storage.get(selfie.storage_key, grant=biometric_grant(member=person))
    assert set(jpeg_markers(stored)) <= PIXEL_SEGMENTS, [hex(m) for m in jpeg_markers(stored)]
    assert b"Jane Doe" not in stored and b"48.8584" not in stored
    assert not Image.open(io.BytesIO(stored)).info.get("comment")


def test_a_jpeg_comment_does_not_survive_a_re_encode(astronaut):
    decoded = Image.open(io.BytesIO(with_metadata(astronaut, "JPEG")))
    assert decoded.info.get("comment")  # Pillow carries it and would write it back
    assert set(jpeg_markers(encode_jpeg(decoded))) <= PIXEL_SEGMENTS


def test_a_published_headshot_carries_only_its_disclosure(astronaut):
    decoded = Image.open(io.BytesIO(with_metadata(astronaut, "JPEG")))
    published = disclose_jpeg(decoded, term="compositeSynthetic", title="headshot.jpg")
    assert b"Jane Doe" not in published and 0xFE not in jpeg_markers(published)
