"""Each checklist rule on real photos: one that passes and one that fails, with a reason a person
can act on. Photos come from ../shared/faces and ../shared/faces-dev (skipped where absent)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from generation.imaging.checks import analyse_selfie, failed_first
from generation.imaging.faces import find_face
from generation.imaging.io import decode_upload


@pytest.fixture(autouse=True)
def _production_face_pixels(settings):
    settings.HEADSHOT_MIN_EYE_PX = 80  # the tests' embedded portrait needs less; real photos get the real rule
    settings.HEADSHOT_MAX_UPSCALE = 1.5


@cache
def _photo(path: Path) -> Image.Image:
    return decode_upload(path.read_bytes()).image


@cache
def _checks(path: Path) -> dict[str, dict]:
    return {c["code"]: c for c in analyse_selfie(_photo(path)).checks}


def _crop_around_eyes(image: Image.Image, *, above: float, below: float, side: float) -> Image.Image:
    """The photo cut to the given room around the eyes, in eye distances."""
    face = find_face(image)
    eyes = float(np.hypot(*(face.right_eye - face.left_eye)))
    x, y = face.eye_centre
    return image.crop(
        (round(x - side * eyes), round(y - above * eyes), round(x + side * eyes), round(y + below * eyes))
    )


RULES = [
    # (code, a photo that passes, a photo that fails, words the failure message must contain)
    ("resolution", "faces/obama/obama_1.jpg", "faces/obama/obama_small.jpg", "too small"),
    ("face_pixels", "faces-dev/df_img13.jpg", "faces/obama/obama_1.jpg", "sharper or closer photo"),
    ("one_face", "faces/obama/obama_1.jpg", "faces/groups/two_people.jpg", "just you"),
    ("face_in_frame", "faces/obama/obama_1.jpg", "faces/partial/obama_partial_face_1.jpg", "whole head"),
    ("head_in_frame", "faces-dev/cf_006_A.jpg", "faces-dev/cf_FACE_1v.jpg", "top of your head is cut off"),
    ("shoulders_in_frame", "faces-dev/cf_FACE_2v.jpg", "faces-dev/u2_man5.jpg", "shoulders are in the photo"),
    ("head_pose", "faces-dev/cf_005_A.jpg", "faces/kit_harington/kit_harington_2.jpg", "turn your face"),
    ("eyes_open", "faces-dev/isf_open_eyes.png", "faces-dev/isf_happy.png", "closed or squinted"),
    ("highlights", "faces-dev/df_img13.jpg", None, "blown out"),
    ("exposure", "faces-dev/df_img13.jpg", None, "too dark"),
    ("sharpness", "faces-dev/df_img13.jpg", None, "blurry"),
]


def _path(faces_dir: Path, faces_dev_dir: Path, name: str) -> Path:
    folder, rest = name.split("/", 1)
    return (faces_dir if folder == "faces" else faces_dev_dir) / rest


def _made_to_fail(code: str, image: Image.Image) -> Image.Image:
    """Real photos spoiled the way phones spoil them, for rules no shared photo breaks."""
    from PIL import ImageFilter

    if code == "highlights":  # flash or direct sun: the face burns out to white
        return image.point(lambda v: min(255, int(v * 2.2)))
    if code == "exposure":
        return image.point(lambda v: v // 4)
    return image.filter(ImageFilter.GaussianBlur(8))


@pytest.mark.parametrize(("code", "good", "bad", "words"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_passes_a_good_photo_and_refuses_a_bad_one_saying_why(
    faces_dir, faces_dev_dir, code, good, bad, words
):
    passed = _checks(_path(faces_dir, faces_dev_dir, good))[code]
    assert passed["passed"], (good, passed)
    if bad is None:
        image = _made_to_fail(code, _photo(_path(faces_dir, faces_dev_dir, good)))
        failed = {c["code"]: c for c in analyse_selfie(image).checks}[code]
    else:
        failed = _checks(_path(faces_dir, faces_dev_dir, bad))[code]
    assert not failed["passed"], (bad, failed)
    assert words in failed["message"], failed["message"]


@pytest.mark.parametrize("name", ["cf_005_A.jpg", "cf_006_A.jpg"])
def test_a_selfie_shot_from_a_little_above_is_accepted(faces_dev_dir, name):
    analysis = analyse_selfie(_photo(faces_dev_dir / name))
    assert analysis.passed, [c for c in analysis.checks if not c["passed"]]
    [pose] = [c for c in analysis.checks if c["code"] == "head_pose"]
    assert pose["value"]["pitch"] > 10  # it is seen from above, and still within the limit


def test_obama_3_a_level_portrait_reads_as_level(faces_dir):
    [pose] = [c for c in analyse_selfie(_photo(faces_dir / "obama/obama_3.jpg")).checks if c["code"] == "head_pose"]
    assert pose["passed"] and abs(pose["value"]["pitch"]) < 10, pose


@pytest.mark.parametrize("name", ["cf_FACE_2v.jpg", "df_img13.jpg"])
def test_a_face_in_front_of_a_white_wall_is_accepted(faces_dev_dir, name):
    analysis = analyse_selfie(_photo(faces_dev_dir / name))
    assert analysis.passed, [c for c in analysis.checks if not c["passed"]]


def test_a_face_filling_the_frame_is_refused_asking_for_the_shoulders(faces_dev_dir):
    tight = _crop_around_eyes(_photo(faces_dev_dir / "df_img33.jpg"), above=2.4, below=1.9, side=1.8)
    analysis = analyse_selfie(tight)
    assert [c["code"] for c in analysis.report["checks"] if not c["passed"]] == ["shoulders_in_frame"]


def test_a_selfie_that_stops_at_the_chest_is_accepted(faces_dev_dir):
    chest = _crop_around_eyes(_photo(faces_dev_dir / "df_img33.jpg"), above=2.4, below=3.0, side=2.2)
    analysis = analyse_selfie(chest)
    assert analysis.passed, [c for c in analysis.checks if not c["passed"]]


def test_a_photo_cut_through_the_hair_is_refused(faces_dev_dir):
    analysis = analyse_selfie(_photo(faces_dev_dir / "of_lennon-1.jpg"))
    failed = {c["code"] for c in analysis.checks if not c["passed"]}
    assert "head_in_frame" in failed


def test_the_report_lists_failed_checks_first(faces_dev_dir):
    report = analyse_selfie(_photo(faces_dev_dir / "u2_man5.jpg")).report
    flags = [c["passed"] for c in report["checks"]]
    assert flags == sorted(flags) and not flags[0] and flags[-1]
    assert failed_first([{"passed": True, "code": "a"}, {"passed": False, "code": "b"}])[0]["code"] == "b"


def test_every_refusal_of_a_shared_photo_says_what_to_do(faces_dir, faces_dev_dir):
    paths = sorted(
        p for folder in (faces_dir, faces_dev_dir) for p in folder.rglob("*") if p.suffix in {".jpg", ".png"}
    )
    for path in paths[::4]:  # a sample keeps this quick; make bench-quality runs them all
        for check in analyse_selfie(_photo(path)).checks:
            if not check["passed"]:
                assert len(check["message"]) > 20 and check["message"].endswith("."), (path.name, check)
