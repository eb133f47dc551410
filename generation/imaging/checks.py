"""The selfie checklist: each check has a code, pass/fail, the measured value
and a sentence a person understands. (The studio issue adds quality checks.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from .faces import detect_faces

MIN_SHORT_SIDE = 400
MIN_FACE_SHARE = 0.12  # face box width / image width
DOMINANT_RATIO = 1.6  # the largest face must be this much wider than the next


def _check(code: str, passed: bool, value: Any, message: str) -> dict[str, Any]:
    return {"code": code, "passed": bool(passed), "value": value, "message": message}


def selfie_checklist(image: Image.Image, *, reference_descriptors: Sequence[np.ndarray] = ()) -> dict[str, Any]:
    checks = []
    short = min(image.size)
    checks.append(_check(
        "resolution", short >= MIN_SHORT_SIDE, short,
        "Resolution is fine." if short >= MIN_SHORT_SIDE
        else f"The photo is too small ({short} px on its short side; at least {MIN_SHORT_SIDE} px).",
    ))
    faces = detect_faces(image)
    if not faces:
        checks.append(_check("face_found", False, 0, "We could not find a face. Face the camera in good light."))
    else:
        dominant = len(faces) == 1 or faces[0].width >= DOMINANT_RATIO * faces[1].width
        checks.append(_check(
            "one_face", dominant, len(faces),
            "One face found." if dominant
            else f"We found {len(faces)} faces of similar size. Upload a photo of just you.",
        ))
        face = faces[0]
        share = round(face.width / image.width, 3)
        checks.append(_check(
            "face_size", share >= MIN_FACE_SHARE, share,
            "Your face is large enough." if share >= MIN_FACE_SHARE
            else "Your face is too small in the photo. Come closer to the camera.",
        ))
        left, top, right, bottom = face.box
        margin = 0.02 * max(image.size)
        inside = left > margin and top > margin and right < image.width - margin and bottom < image.height - margin
        checks.append(_check(
            "face_in_frame", inside, [round(v) for v in face.box],
            "Your whole face is in the frame." if inside
            else "Your face is cut off by the edge of the photo. Keep your whole head in the frame.",
        ))
    return {"passed": all(c["passed"] for c in checks), "checks": checks}
