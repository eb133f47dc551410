"""Guards every output passes before anyone sees it, whatever engine made it.

Likeness: dlib descriptor distance from the output's face to the centroid of
the member's selfies. Skin tone: ΔE2000 between the mean CIELAB facial skin
of the output and of the nearest selfie. Nearest, not the average: selfies
taken in different light differ by more than the threshold themselves, and an
output only has to keep the skin of a real photo of the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from .colour import delta_e, skin_lab
from .faces import Face, face_descriptor, find_face


@dataclass(frozen=True)
class Reference:
    """What the outputs are compared against: from the member's usable selfies."""

    centroid: np.ndarray
    skin_labs: tuple[np.ndarray, ...]

    @classmethod
    def from_selfies(cls, descriptors: Sequence[np.ndarray], skin_labs: Sequence[Sequence[float] | None]) -> Reference:
        if not descriptors:
            raise ValueError("no selfie descriptors to compare against")
        labs = [np.asarray(v, dtype=np.float64) for v in skin_labs if v is not None]
        return cls(
            centroid=np.mean(np.stack(descriptors), axis=0),
            skin_labs=tuple(labs),
        )


@dataclass
class GuardResult:
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def measure(image: Image.Image, face: Face | None = None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(descriptor, mean skin Lab) of the given face, or of the largest face found in the image.

    A given face (where the engine put it) skips the detector, the costliest step; the descriptor
    still comes from the output's own pixels, with landmarks fitted again inside that box, so a
    face the engine did not really put there does not look like the person."""
    face = face or find_face(image)
    if face is None:
        return None, None
    return face_descriptor(image, face), skin_lab(image.convert("RGB"), face.landmarks)


def check_output(
    image: Image.Image,
    reference: Reference,
    *,
    likeness_threshold: float,
    skin_threshold: float,
    face: Face | None = None,
) -> GuardResult:
    descriptor, lab = measure(image, face)
    if descriptor is None:
        return GuardResult(False, {"face_found": False}, ["no_face"])
    distance = float(np.linalg.norm(descriptor - reference.centroid))
    figures: dict[str, Any] = {
        "likeness_distance": round(distance, 4),
        "likeness_threshold": likeness_threshold,
    }
    failures = [] if distance <= likeness_threshold else ["likeness"]
    if reference.skin_labs and lab is not None:
        de = min(delta_e(lab, ref) for ref in reference.skin_labs)
        figures |= {"skin_delta_e": round(de, 3), "skin_threshold": skin_threshold}
        if de > skin_threshold:
            failures.append("skin_tone")
    return GuardResult(not failures, figures, failures)
