"""The selfie checklist on upload and from the command line."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw, ImageFilter

from compliance.biometric import biometric_grant
from core import media
from core.exceptions import ApplicationError
from generation.imaging.checks import analyse_selfie
from generation.imaging.faces import face_descriptor, find_face
from generation.imaging.io import decode_upload
from tests import factories

PEOPLE = ["obama", "biden", "alex_lacamoire", "kit_harington", "rose_leslie"]


def _failed(selfie) -> set[str]:
    return {c["code"] for c in selfie.checks["checks"] if not c["passed"]}


def _photo(faces_dir: Path, name: str) -> Image.Image:
    return decode_upload((faces_dir / name).read_bytes()).image


def test_same_person_distances_are_below_and_different_people_above_the_threshold(faces_dir):
    descriptors = {}
    for person in PEOPLE:
        for path in sorted((faces_dir / person).iterdir()):
            if path.name != "obama_small.jpg":
                descriptors[(person, path.name)] = face_descriptor(decode_upload(path.read_bytes()).image)
    assert all(d is not None for d in descriptors.values())
    same, different = [], []
    for (a, da), (b, db) in itertools.combinations(descriptors.items(), 2):
        (same if a[0] == b[0] else different).append(float(np.linalg.norm(da - db)))
    assert max(same) < 0.6 < min(different), (max(same), min(different))


@pytest.mark.parametrize("name", ["groups/two_people.jpg", "groups/kit_with_rose.jpg", "groups/obama_and_biden.jpg"])
def test_a_group_photo_is_refused(faces_dir, name):
    analysis = analyse_selfie(_photo(faces_dir, name))
    assert not analysis.passed
    [one_face] = [c for c in analysis.checks if c["code"] == "one_face"]
    assert not one_face["passed"] and one_face["value"] >= 2 and "just you" in one_face["message"]


@pytest.mark.parametrize("name", ["partial/obama_partial_face_1.jpg", "partial/obama_partial_face_2.jpg"])
def test_a_face_cut_off_by_the_frame_is_refused(faces_dir, name):
    analysis = analyse_selfie(_photo(faces_dir, name))
    assert "face_in_frame" in {c["code"] for c in analysis.checks if not c["passed"]}


def test_a_good_selfie_passes_every_check_with_a_value_and_a_sentence(faces_dir):
    analysis = analyse_selfie(_photo(faces_dir, "obama/obama_1.jpg"))
    assert analysis.passed, analysis.checks
    codes = {c["code"] for c in analysis.checks}
    assert {
        "resolution",
        "one_face",
        "face_size",
        "face_in_frame",
        "sharpness",
        "exposure",
        "highlights",
        "head_pose",
        "eyes_open",
        "face_uncovered",
    } <= codes
    assert all(c["message"] and c["value"] is not None for c in analysis.checks)
    assert analysis.descriptor.shape == (128,) and len(analysis.phash) == 16 and len(analysis.skin_lab) == 3


def test_a_blurred_dark_or_turned_selfie_says_what_is_wrong(faces_dir):
    photo = _photo(faces_dir, "obama/obama_1.jpg")
    blurred = analyse_selfie(photo.filter(ImageFilter.GaussianBlur(8)))
    assert "sharpness" in {c["code"] for c in blurred.checks if not c["passed"]}
    dark = analyse_selfie(photo.point(lambda v: v // 4))
    assert "exposure" in {c["code"] for c in dark.checks if not c["passed"]}
    tilted = analyse_selfie(photo.rotate(35, expand=True, fillcolor="white"))
    [pose] = [c for c in tilted.checks if c["code"] == "head_pose"]
    assert not pose["passed"] and abs(pose["value"]["roll"]) > 20


@pytest.mark.django_db
def test_a_set_that_mixes_people_is_refused_naming_the_photo(consented, faces_dir):
    first = factories.selfie(actor=consented, data=(faces_dir / "obama/obama_1.jpg").read_bytes())
    same = factories.selfie(actor=consented, data=(faces_dir / "obama/obama_2.jpg").read_bytes())
    colleague = factories.selfie(actor=consented, data=(faces_dir / "biden/biden_2.jpg").read_bytes())
    assert first.usable and same.usable, (_failed(first), _failed(same))
    assert not colleague.usable and _failed(colleague) == {"same_person"}
    [check] = [c for c in colleague.checks["checks"] if c["code"] == "same_person"]
    assert check["value"] > 0.6 and "This photo does not look like the same person" in check["message"]
    # Stored encrypted (compliance.crypto); readable only with a consent grant.
    from generation.services.selfies import descriptor_of

    assert first.descriptor and len(bytes(first.descriptor)) != 128 * 8
    assert descriptor_of(first, grant=biometric_grant(member=consented)).shape == (128,)


@pytest.mark.django_db
def test_the_same_photo_twice_is_a_near_duplicate(consented, faces_dir):
    data = (faces_dir / "obama/obama_1.jpg").read_bytes()
    factories.selfie(actor=consented, data=data)
    again = factories.selfie(actor=consented, data=factories.jpeg_bytes(Image.open(io.BytesIO(data)), quality=70))
    assert "not_duplicate" in _failed(again)


@pytest.mark.django_db
def test_a_stored_selfie_has_no_gps_tag(consented, faces_dir):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    data = factories.jpeg_bytes(_photo(faces_dir, "obama/obama_1.jpg"), exif=exif.tobytes())
    assert 0x8825 in Image.open(io.BytesIO(data)).getexif()
    selfie = factories.selfie(actor=consented, data=data)
    stored = Image.open(io.BytesIO(media.get(selfie.storage_key, grant=biometric_grant(member=consented))))
    assert 0x8825 not in stored.getexif() and "exif" not in stored.info


@pytest.mark.django_db
def test_a_heic_upload_works(consented, astronaut_png):
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.open(io.BytesIO(astronaut_png)).save(buffer, "HEIF", quality=90)
    selfie = factories.selfie(actor=consented, data=buffer.getvalue())
    assert selfie.original_format == "HEIC" and selfie.usable, selfie.checks
    stored = media.get(selfie.storage_key, grant=biometric_grant(member=consented))
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


@pytest.mark.django_db
def test_an_upload_that_is_not_an_image_stores_nothing(consented):
    with pytest.raises(ApplicationError) as caught:
        factories.selfie(actor=consented, data=b"GIF89a not really")
    assert caught.value.code in {"not_an_image", "bad_type"}
    assert consented.selfies.count() == 0


def test_check_selfie_prints_json_and_fails_on_a_mixed_set(faces_dir, capsys):
    paths = [str(faces_dir / p) for p in ("obama/obama_1.jpg", "obama/obama_4.jpg", "biden/biden_2.jpg")]
    with pytest.raises(SystemExit) as exited:
        call_command("check_selfie", *paths)
    assert exited.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["mixed_people"] == "biden_2.jpg" and not report["passed"]
    assert [p["passed"] for p in report["photos"]] == [True, True, False]


def test_check_selfie_passes_a_good_set(faces_dir, capsys):
    call_command("check_selfie", str(faces_dir / "obama/obama_1.jpg"), str(faces_dir / "obama/obama_4.jpg"))
    output = capsys.readouterr()
    assert json.loads(output.out)["passed"] is True
    assert "outside any member's consent" in output.err


def test_check_selfie_never_prints_a_face_descriptor(faces_dir, capsys):
    call_command("check_selfie", str(faces_dir / "obama/obama_1.jpg"))
    printed = capsys.readouterr().out
    assert not any(word in printed for word in ('descriptor"', "phash", "skin_lab"))
    numbers = [v for c in json.loads(printed)["photos"][0]["checks"] for v in [c["value"]] if isinstance(v, list)]
    assert all(len(v) < 16 for v in numbers)  # no 128-number vector anywhere


def test_a_photo_that_cuts_through_the_hair_is_refused_and_whole_heads_pass(faces_dir):
    cut = analyse_selfie(_photo(faces_dir, "rose_leslie/rose_leslie_1.jpg"))
    [head] = [c for c in cut.checks if c["code"] == "head_in_frame"]
    assert not head["passed"] and "top of your head is cut off" in head["message"]

    for name in ["rose_leslie/rose_leslie_2.jpg", "obama/obama_1.jpg", "alex_lacamoire/alex_lacamoire_2.jpg"]:
        [head] = [c for c in analyse_selfie(_photo(faces_dir, name)).checks if c["code"] == "head_in_frame"]
        assert head["passed"], (name, head["value"])


def test_face_pixels_follow_the_organisations_style(consented, faces_dev_dir, settings):
    from generation.models import BrandStyle

    settings.HEADSHOT_MIN_EYE_PX, settings.HEADSHOT_MAX_UPSCALE = 80, 1.5
    data = (faces_dev_dir / "df_img13.jpg").read_bytes()  # eyes 188 px apart: fine for a 1024 px headshot

    def face_pixels(selfie) -> dict:
        return next(c for c in selfie.checks["checks"] if c["code"] == "face_pixels")

    assert face_pixels(factories.selfie(actor=consented, data=data))["passed"]
    BrandStyle.objects.filter(organization=consented.organization).delete()
    BrandStyle.objects.create(organization=consented.organization, output_width=2048, output_height=2048)
    check = face_pixels(factories.selfie(actor=consented, data=data))
    assert not check["passed"]
    assert "sharper or closer photo" in check["message"] and "enlarged 2.0x" in check["message"], check


def _face_uncovered(image: Image.Image) -> dict:
    return next(c for c in analyse_selfie(image).checks if c["code"] == "face_uncovered")


def _wearing_a_mask(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The photo with a face mask painted on: from the jaw up to the bridge of the nose."""
    points = find_face(image).landmarks
    top = (points[28][1] + points[29][1]) / 2
    outline = [tuple(p) for p in points[2:15]] + [(points[14][0], top), (points[2][0], top)]
    masked = image.convert("RGB")
    ImageDraw.Draw(masked).polygon(outline, fill=colour)
    return masked


@pytest.mark.parametrize(
    "name",
    [
        "obama/obama_1.jpg",  # smiling, teeth showing
        "alex_lacamoire/alex_lacamoire_2.jpg",  # a full dark beard
        "kit_harington/kit_harington_3.jpg",  # beard and moustache
        "rose_leslie/rose_leslie_2.jpg",
        "lin_manuel_miranda/lin_manuel_miranda_1.png",  # a microphone below the chin, the mouth free
    ],
)
def test_an_uncovered_face_passes_beards_included(faces_dir, name):
    check = _face_uncovered(_photo(faces_dir, name))
    assert check["passed"], (name, check["value"])


@pytest.mark.parametrize(
    "name", ["cf_FACE_1v.jpg", "cf_FACE_2v.jpg", "df_img61.jpg", "u2_man2.jpg", "isf_sad.png", "u2_smile.jpg"]
)
def test_bearded_and_pressed_lips_portraits_pass_the_mask_check(faces_dev_dir, name):
    check = _face_uncovered(_photo(faces_dev_dir, name))
    assert check["passed"], (name, check["value"])


@pytest.mark.parametrize("colour", [(150, 190, 220), (25, 25, 25)], ids=["surgical_blue", "black_cloth"])
def test_a_face_mask_is_refused_asking_for_the_whole_face(faces_dir, colour):
    bearded = _photo(faces_dir, "alex_lacamoire/alex_lacamoire_2.jpg")
    check = _face_uncovered(_wearing_a_mask(bearded, colour))
    assert not check["passed"], check["value"]
    assert check["message"] == (
        "Something covers your mouth or chin (a mask, a hand, a microphone). "
        "Take the photo with your whole face uncovered."
    )
