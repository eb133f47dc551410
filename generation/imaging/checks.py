"""The selfie checklist: each check has a code, pass/fail, the measured value
and a sentence a person understands.

``analyse_selfie`` checks one photo; ``set_checks`` compares it with the
member's other selfies (near-duplicates, same person).
"""

from __future__ import annotations

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
MAX_POSE = {"yaw": 30.0, "pitch": 25.0, "roll": 20.0}
MIN_EYES_OPEN = 0.15
SAME_PERSON = 0.6  # dlib descriptor distance
NEAR_DUPLICATE_BITS = 4  # perceptual-hash bits that may differ
# Share of the photo's top row, above the face, that the person mask covers. Past this the
# hair runs out of the photo and every framing shows a flat cut where the backdrop takes over.
# On ../shared/faces: a portrait cropped through the hair measured 0.54; whole heads 0.00-0.41.
MAX_HEAD_AT_TOP = 0.5


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
        return {"passed": self.passed, "checks": self.checks}


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


def analyse_selfie(image: Image.Image) -> SelfieAnalysis:
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


def _quality_checks(image: Image.Image, face: Face) -> list[dict[str, Any]]:
    crop = quality.face_crop(image, face)
    sharp = round(quality.sharpness(crop), 1)
    brightness, clipped = quality.exposure(crop)
    pose = quality.head_pose(face)
    turned = [axis for axis, limit in MAX_POSE.items() if abs(pose[axis]) > limit]
    ear = round(quality.eye_aspect_ratio(face), 3)
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
            f"Your head is turned too far ({', '.join(turned)}). Look straight into the camera.",
        ),
        _check(
            "eyes_open",
            ear >= MIN_EYES_OPEN,
            ear,
            "Your eyes are open.",
            "Your eyes look closed. Take a photo with your eyes open.",
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
    worst = max(scores, key=scores.get)
    return worst if scores[worst] > SAME_PERSON else None
