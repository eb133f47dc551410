"""The selfie checklist: each check has a code, pass/fail, the measured value
and a sentence a person understands.

``analyse_selfie`` checks one photo; ``set_checks`` compares it with the
member's other selfies (near-duplicates, same person).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from . import quality
from .colour import skin_lab
from .faces import Face, detect_faces, face_descriptor
from .segment import default_segmenter

MIN_SHORT_SIDE = 400
MIN_FACE_SHARE = 0.12  # face box width / image width
DOMINANT_RATIO = 1.6  # the largest face must be this much wider than the next
MIN_SHARPNESS = 15.0  # Laplacian variance on a 256 px face crop
BRIGHTNESS_RANGE = (60.0, 215.0)
MAX_CLIPPED = 0.05
# Degrees, from a 3D head model fitted to the landmarks (quality.head_pose_3d). Phone selfies are
# often shot from a little above: on ../shared/faces-dev those read pitch 18-21; level portraits 0-13.
MAX_POSE = {"yaw": 35.0, "pitch": 30.0, "roll": 20.0}
# Eye height over width (dlib's 6 points per eye): open eyes 0.2-0.4; a squint or closed eyes below.
MIN_EYES_OPEN = 0.16
# Room for the style's framing, in eye distances: below the chin, so the body's fade where the photo
# ends (engines.studio, cutout.BOTTOM_FADE) starts below it and shows the neck; beside the eyes, so
# a side fade (cutout.SIDE_FADE) leaves the neck alone.
MIN_ROOM_BELOW_CHIN = 0.7
MIN_ROOM_SIDE = 1.5
# Something over the mouth (quality.mouth_uncovered): less skin than this between the nostrils and the mouth line
# (real faces on ../shared/faces and faces-dev 0.21 and up, bearded ones included; painted blue, white-on-colour
# and black masks 0.06 and below), or a mouth area flatter than this in L* (real 7.3 and up; painted masks, a
# skin-coloured one too, 2.2 and below).
MIN_MOUTH_SKIN = 0.12
MIN_MOUTH_TEXTURE = 4.0
SAME_PERSON = 0.6  # dlib descriptor distance
NEAR_DUPLICATE_BITS = 4  # perceptual-hash bits that may differ
# Share of the photo's top row, above the face, that the person mask covers. Past this the
# hair runs out of the photo and every framing shows a flat cut where the backdrop takes over.
# Whole heads measure 0.00-0.28 on ../shared/faces and faces-dev; hair cut by the top edge 0.40 and up
# (kit_harington_2, df_img61, isf_open_eyes, rose_leslie_1, of_lennon-1).
MAX_HEAD_AT_TOP = 0.35


@dataclass(frozen=True)
class FrameNeeds:
    """What the team's style asks of a photo (engines.framing.frame_needs computes it)."""

    eye_px: float  # the eye distance, in output pixels, of the style's tightest variant


def default_frame_needs() -> FrameNeeds:
    from ..engines.base import StyleSpec
    from ..engines.framing import frame_needs

    return frame_needs(StyleSpec(style_id="default", version=1, engine="studio"))


@dataclass
class SelfieAnalysis:
    checks: list[dict[str, Any]] = field(default_factory=list)
    descriptor: np.ndarray | None = None
    phash: str = ""
    skin_lab: list[float] | None = None

    @property
    def passed(self) -> bool:
        return all(c["passed"] for c in self.checks)

    @property
    def report(self) -> dict[str, Any]:
        return {"passed": self.passed, "checks": failed_first(self.checks)}


def failed_first(checks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks a person must act on first, then the passed ones, each group in checklist order."""
    return [c for c in checks if not c["passed"]] + [c for c in checks if c["passed"]]


@dataclass(frozen=True)
class OtherSelfie:
    label: str  # how a person recognises the photo: its file name or upload time
    descriptor: np.ndarray | None
    phash: str
    ref: str = ""  # the selfie's id, so a page can show the photo a failed check names


def _check(code: str, passed: bool, value: Any, ok: str, problem: str) -> dict[str, Any]:
    return {
        "code": code,
        "passed": bool(passed),
        "value": value,
        "message": ok if passed else problem,
    }


def analyse_selfie(image: Image.Image, *, needs: FrameNeeds | None = None) -> SelfieAnalysis:
    """Every check on one photo, against the framing of the team's style (the default style's when
    ``needs`` is None)."""
    needs = needs or default_frame_needs()
    short = min(image.size)
    result = SelfieAnalysis(phash=quality.perceptual_hash(image))
    result.checks.append(
        _check(
            "resolution",
            short >= MIN_SHORT_SIDE,
            short,
            "Resolution is fine.",
            f"The photo is too small ({short} px on its short side; at least {MIN_SHORT_SIDE} px).",
        )
    )
    faces = detect_faces(image)
    if not faces:
        result.checks.append(
            _check(
                "face_found",
                False,
                0,
                "",
                "We could not find a face. Face the camera in good light.",
            )
        )
        return result
    result.checks += _face_checks(image, faces)
    face = faces[0]
    result.checks.append(_head_check(image, face))
    result.checks += _room_checks(image, face, needs)
    result.checks += _quality_checks(image, face)
    result.descriptor = face_descriptor(image, face)
    lab = skin_lab(image, face.landmarks)
    result.skin_lab = None if lab is None else [round(float(v), 3) for v in lab]
    return result


def _face_checks(image: Image.Image, faces: list[Face]) -> list[dict[str, Any]]:
    dominant = len(faces) == 1 or faces[0].width >= DOMINANT_RATIO * faces[1].width
    face = faces[0]
    share = round(face.width / image.width, 3)
    left, top, right, bottom = face.box
    margin = 0.02 * max(image.size)
    inside = left > margin and top > margin and right < image.width - margin and bottom < image.height - margin
    return [
        _check(
            "one_face",
            dominant,
            len(faces),
            "One face found.",
            f"We found {len(faces)} faces of similar size. Upload a photo of just you.",
        ),
        _check(
            "face_size",
            share >= MIN_FACE_SHARE,
            share,
            "Your face is large enough.",
            "Your face is too small in the photo. Come closer to the camera.",
        ),
        _check(
            "face_in_frame",
            inside,
            [round(v) for v in face.box],
            "Your whole face is in the frame.",
            "Your face is cut off by the edge of the photo. Keep your whole head in the frame.",
        ),
    ]


def head_at_top(image: Image.Image, face: Face) -> float:
    """How much of the top row over the face (widened by 30% each side) is person."""
    scale = 256 / max(image.size)
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BILINEAR)
    mask = default_segmenter().person_mask(small)
    left, _, right, _ = face.box
    pad = 0.3 * (right - left)
    x0, x1 = max(0, int((left - pad) * scale)), min(mask.shape[1], int((right + pad) * scale) + 1)
    rows = max(1, round(0.01 * mask.shape[0]))
    return round(float((mask[:rows, x0:x1] > 0.5).mean()), 2)


def _head_check(image: Image.Image, face: Face) -> dict[str, Any]:
    share = head_at_top(image, face)
    return _check(
        "head_in_frame",
        share <= MAX_HEAD_AT_TOP,
        share,
        "The top of your head is in the photo.",
        "The top of your head is cut off. Hold the camera a little further away so your hair fits in.",
    )


def eye_distance(face: Face) -> float:
    return float(np.hypot(*(face.right_eye - face.left_eye)))


def _room_checks(image: Image.Image, face: Face, needs: FrameNeeds) -> list[dict[str, Any]]:
    """Face pixels, and room below and beside the face for the head-and-shoulders framing.

    Face pixels: at least HEADSHOT_MIN_EYE_PX between the eyes, and no more enlargement than
    HEADSHOT_MAX_UPSCALE to reach the eye distance the style renders (blown-up faces look soft)."""
    from django.conf import settings

    eyes = eye_distance(face)
    minimum = max(int(settings.HEADSHOT_MIN_EYE_PX), math.ceil(needs.eye_px / float(settings.HEADSHOT_MAX_UPSCALE)))
    below = round((image.height - face.landmarks[8, 1]) / eyes, 2)  # from the chin
    side = round(min(face.eye_centre[0], image.width - face.eye_centre[0]) / eyes, 2)
    return [
        _check(
            "face_pixels",
            eyes >= minimum,
            round(eyes, 1),
            "Your face has enough detail.",
            f"Your face is too small in this photo for a sharp headshot ({eyes:.0f} px between the eyes; "
            f"the team's headshots need at least {minimum}, or it would be enlarged "
            f"{needs.eye_px / max(eyes, 1.0):.1f}x and look soft). Use a sharper or closer photo: hold the "
            "camera closer, or use the phone's main camera.",
        ),
        _check(
            "shoulders_in_frame",
            below >= MIN_ROOM_BELOW_CHIN and side >= MIN_ROOM_SIDE,
            {"below_chin": below, "side": side},
            "There is room for your head and shoulders.",
            "The photo ends too close to your face. Hold the camera further away (or step back) "
            "so your shoulders are in the photo.",
        ),
    ]


def _pose_problem(pose: dict[str, float]) -> str:
    turned = [axis for axis, limit in MAX_POSE.items() if abs(pose[axis]) > limit]
    advice = {
        "yaw": "turn your face towards the camera",
        "pitch": "hold the camera at eye level" if pose["pitch"] > 0 else "lift your chin a little",
        "roll": "hold your head upright",
    }
    return f"Your head is turned too far ({', '.join(turned)}): " + ", ".join(advice[a] for a in turned) + "."


def _quality_checks(image: Image.Image, face: Face) -> list[dict[str, Any]]:
    crop = quality.face_crop(image, face)
    sharp = round(quality.sharpness(crop), 1)
    brightness, clipped = quality.hull_exposure(image, face)  # the face itself, never the wall behind it
    pose = quality.head_pose_3d(face, image.size)
    turned = [axis for axis, limit in MAX_POSE.items() if abs(pose[axis]) > limit]
    ear = round(quality.eye_aspect_ratio(face), 3)
    skin, texture = quality.mouth_uncovered(image, face)
    low, high = BRIGHTNESS_RANGE
    return [
        _check(
            "sharpness",
            sharp >= MIN_SHARPNESS,
            sharp,
            "Your face is in focus.",
            "Your face is blurry. Hold the camera still and tap your face to focus.",
        ),
        _check(
            "exposure",
            low <= brightness <= high,
            round(brightness, 1),
            "The light on your face is fine.",
            "Your face is too dark. Face a window or a lamp."
            if brightness < low
            else "Your face is too bright. Move out of direct light.",
        ),
        _check(
            "highlights",
            clipped <= MAX_CLIPPED,
            round(clipped, 3),
            "No blown-out highlights on your face.",
            "Part of your face is blown out to white. Avoid direct sun or flash.",
        ),
        _check(
            "head_pose",
            not turned,
            pose,
            "You are facing the camera.",
            _pose_problem(pose),
        ),
        _check(
            "eyes_open",
            ear >= MIN_EYES_OPEN,
            ear,
            "Your eyes are open.",
            "Your eyes look closed or squinted. Take a photo with a relaxed face and your eyes open.",
        ),
        _check(
            "face_uncovered",
            skin >= MIN_MOUTH_SKIN and texture >= MIN_MOUTH_TEXTURE,
            {"skin": round(skin, 2), "texture": round(texture, 1)},
            "Your mouth and chin are uncovered.",
            "Something covers your mouth or chin (a mask, a hand, a microphone). "
            "Take the photo with your whole face uncovered.",
        ),
    ]


def set_checks(analysis: SelfieAnalysis, label: str, others: Sequence[OtherSelfie]) -> list[dict[str, Any]]:
    """Compare a new selfie with the member's others: no near-duplicates, and the same person."""
    checks = []
    dupes = [
        o
        for o in others
        if o.phash and analysis.phash and quality.hash_distance(o.phash, analysis.phash) <= NEAR_DUPLICATE_BITS
    ]
    labels = [o.label for o in dupes]
    checks.append(
        _check(
            "not_duplicate",
            not dupes,
            labels,
            "This photo is different from your others.",
            f"{label} is almost the same as {', '.join(labels)}. Upload a different photo.",
        )
        | {"refs": [o.ref for o in dupes if o.ref]}
    )
    known = [o for o in others if o.descriptor is not None]
    if analysis.descriptor is not None and known:
        distances = [float(np.linalg.norm(analysis.descriptor - o.descriptor)) for o in known]
        median = round(float(np.median(distances)), 3)
        checks.append(
            _check(
                "same_person",
                median <= SAME_PERSON,
                median,
                "This is the same person as in your other photos.",
                f"{label} does not look like the same person as your other photos "
                f"({', '.join(o.label for o in known)}). Upload photos of yourself only.",
            )
            | {"refs": [o.ref for o in known if o.ref]}
        )
    return checks


def odd_one_out(labels: Sequence[str], descriptors: Sequence[np.ndarray | None]) -> str | None:
    """In a set that mixes people, the photo farthest from the others (None when all match)."""
    known = [(lab, d) for lab, d in zip(labels, descriptors, strict=True) if d is not None]
    if len(known) < 2:
        return None
    scores = {lab: float(np.median([np.linalg.norm(d - e) for other, e in known if other != lab])) for lab, d in known}
    worst = max(scores, key=lambda label: scores[label])
    return worst if scores[worst] > SAME_PERSON else None
