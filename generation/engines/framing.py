"""Where each variant frames the face: eyes level, at the style's eye line and eye distance, with
headroom above the hair, and wider variants only as wide as the photo allows. Pure geometry on the
face's landmarks, plus one small segmentation probe for the top of the hair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from ..imaging.checks import FrameNeeds
from ..imaging.faces import Face
from ..imaging.segment import Segmenter
from .base import StyleSpec

# Variant i uses DEFAULT_VARIANTS[i % 4] unless the style lists its own in options["variants"]:
# zoom scales the eye distance (1 tight, 0.8 medium), shade darkens the backdrop, aspect "4:5" makes it taller.
DEFAULT_VARIANTS: list[dict[str, Any]] = [
    {"zoom": 1.0, "shade": 0.0},
    {"zoom": 0.8, "shade": 0.0},
    {"zoom": 1.0, "shade": -0.08},
    {"zoom": 0.8, "shade": -0.08, "aspect": "4:5"},
]


def variant_spec(style: StyleSpec, index: int) -> dict[str, Any]:
    variants = style.options.get("variants") or DEFAULT_VARIANTS
    return dict(variants[index % len(variants)])


def output_size(style: StyleSpec, variant: dict[str, Any]) -> tuple[int, int]:
    if variant.get("aspect") == "4:5":
        return style.output_width, round(style.output_width * 5 / 4)
    if variant.get("aspect") == "1:1":
        return style.output_width, style.output_width
    return style.output_width, style.output_height


def frame_matrix(face: Face, *, width: int, height: int, eye_line: float, eye_distance: float) -> np.ndarray:
    """3x3 matrix mapping output pixels to input pixels: eyes level, ``eye_distance * width``
    apart, centred horizontally, at ``eye_line * height``."""
    left, right = face.left_eye, face.right_eye
    dx, dy = right[0] - left[0], right[1] - left[1]
    angle = math.atan2(dy, dx)
    inv_scale = math.hypot(dx, dy) / (eye_distance * width)
    cos, sin = math.cos(angle) * inv_scale, math.sin(angle) * inv_scale
    src, dst_x, dst_y = face.eye_centre, width / 2, eye_line * height
    return np.array(
        [
            [cos, -sin, src[0] - cos * dst_x + sin * dst_y],
            [sin, cos, src[1] - sin * dst_x - cos * dst_y],
            [0.0, 0.0, 1.0],
        ]
    )


def apply_matrix(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:2, :2].T + matrix[:2, 2]


def prescale(photo: Image.Image, matrix: np.ndarray, size: tuple[int, int]) -> tuple[Image.Image, np.ndarray]:
    """Crop to what the output shows and shrink it to about output resolution first, so a 12 MP
    photo is resampled once with antialiasing and the affine step works on a small image."""
    w, h = size
    corners = apply_matrix(matrix, np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64))
    x0, y0 = np.floor(corners.min(axis=0)) - 4
    x1, y1 = np.ceil(corners.max(axis=0)) + 4
    box = (max(0, x0), max(0, y0), min(photo.width, x1), min(photo.height, y1))
    scale = 1.0 / math.hypot(matrix[0, 0], matrix[1, 0])  # output px per input px
    if scale >= 1.0 or box[2] <= box[0] or box[3] <= box[1]:
        return photo, matrix
    new = (max(1, round((box[2] - box[0]) * scale)), max(1, round((box[3] - box[1]) * scale)))
    small = photo.resize(new, Image.BILINEAR, box=box, reducing_gap=2.0)
    sx, sy = new[0] / (box[2] - box[0]), new[1] / (box[3] - box[1])
    to_small = np.array([[sx, 0, -box[0] * sx], [0, sy, -box[1] * sy], [0, 0, 1.0]])
    return small, to_small @ matrix


# Headroom: the top of the hair stays at least HEADROOM of the height below the frame's top (a
# style sets framing["headroom"]). To get there the frame first moves the eyes down by up to
# EYE_LINE_SLACK of the height, then zooms out by up to ZOOM_SLACK: within the team's consistency
# budget (eye line ±2%, eye distance ±3%). Hair taller still (a bun, an afro, a hat) first gives
# up headroom down to MIN_HEADROOM, then the frame zooms out as far as that hair needs: nobody is
# refused for their hair, and no crown is cut.
HEADROOM = 0.05
MIN_HEADROOM = 0.015
EYE_LINE_SLACK = 0.018
ZOOM_SLACK = 0.028
PROBE = 256  # the probe frame that finds the top of the hair: 10 eye distances wide
PROBE_EYE_DISTANCE = 0.1
MAX_CROWN = 3.2  # eye distances: taller than any hair over the eyes; more is something behind the head
MAX_OVERSHOOT = 0.6  # eye distances a wider variant may reach past the photo's bottom or sides


@dataclass(frozen=True)
class Framing:
    eye_line: float
    eye_distance: float
    crown: float | None  # the top of the hair, in eye distances above the eyes (None: not found)


def crown_height(photo: Image.Image, face: Face, segmenter: Segmenter) -> float | None:
    """How far the top of the hair is above the eyes, in eye distances, from a small probe frame."""
    probe = frame_matrix(face, width=PROBE, height=PROBE, eye_line=0.5, eye_distance=PROBE_EYE_DISTANCE)
    source, matrix = prescale(photo, probe, (PROBE, PROBE))
    coeffs = tuple(matrix[:2].ravel())
    framed = source.transform((PROBE, PROBE), Image.AFFINE, coeffs, Image.BILINEAR)
    valid = Image.new("L", source.size, 255).transform((PROBE, PROBE), Image.AFFINE, coeffs, Image.NEAREST)
    mask = segmenter.person_mask(framed) * (np.asarray(valid) > 0)
    eye_px = PROBE_EYE_DISTANCE * PROBE
    column = mask[: PROBE // 2, round(PROBE / 2 - 1.2 * eye_px) : round(PROBE / 2 + 1.2 * eye_px)]
    # Walk up from the eyes while the head continues: a flag or a lamp above it, past a gap, is not hair.
    person_rows: np.ndarray = np.asarray((column > 0.5).any(axis=1))
    if not person_rows[-1]:
        return None
    gaps = np.nonzero(~person_rows)[0]
    top = int(gaps[-1]) + 1 if len(gaps) else 0
    return min(MAX_CROWN, float((PROBE / 2 - top) / eye_px))


def choose_framing(style: StyleSpec, variant: dict[str, Any], size: tuple[int, int], crown: float | None) -> Framing:
    """The style's eye line and eye distance, moved only as far as the hair needs to keep its headroom."""
    eye_line = style.eye_line
    eye_distance = style.eye_distance * float(variant.get("zoom", 1.0))
    if crown is None:
        return Framing(eye_line, eye_distance, crown)
    headroom = float(style.framing.get("headroom", HEADROOM))
    aspect = size[0] / size[1]

    def top(line: float, distance: float) -> float:  # the top of the hair as a share of the height
        return line - crown * distance * aspect

    if top(eye_line, eye_distance) < headroom:
        eye_line = min(eye_line + EYE_LINE_SLACK, headroom + crown * eye_distance * aspect)
    if top(eye_line, eye_distance) < headroom:
        eye_distance = max((1 - ZOOM_SLACK) * eye_distance, (eye_line - headroom) / (crown * aspect))
    floor = min(headroom, MIN_HEADROOM)
    if top(eye_line, eye_distance) < floor:  # tall hair: past the team's budget rather than cut
        eye_distance = (eye_line - floor) / (crown * aspect)
    return Framing(eye_line, eye_distance, crown)


def frame_needs(style: StyleSpec) -> FrameNeeds:
    """What a selfie must offer for this style's framing: the eye distance its tightest variant
    renders, so the checklist can refuse faces that would be enlarged too much."""
    eye_px = 0.0
    for index in range(max(1, style.variant_count)):
        variant = variant_spec(style, index)
        width, _ = output_size(style, variant)
        eye_px = max(eye_px, style.eye_distance * float(variant.get("zoom", 1.0)) * width)
    return FrameNeeds(eye_px=round(eye_px, 1))


def overshoot(face: Face, photo_size: tuple[int, int], size: tuple[int, int], framing: Framing) -> float:
    """How far the frame reaches past the photo's bottom or sides, in eye distances."""
    matrix = frame_matrix(
        face, width=size[0], height=size[1], eye_line=framing.eye_line, eye_distance=framing.eye_distance
    )
    corners = apply_matrix(matrix, np.array([[0, 0], [size[0], 0], [0, size[1]], [size[0], size[1]]], dtype=np.float64))
    width, height = photo_size
    past = max(0.0, -corners[:, 0].min(), corners[:, 0].max() - width, corners[:, 1].max() - height)
    return past / float(np.hypot(*(face.right_eye - face.left_eye)))


def fit_wider_variant(face: Face, photo_size: tuple[int, int], size: tuple[int, int], framing: Framing) -> Framing:
    """A wider (zoomed-out) variant is only made as wide as the photo allows: past its edge there is
    nothing real to show. It narrows towards the style's own framing, never past it."""
    for _ in range(8):
        if overshoot(face, photo_size, size, framing) <= MAX_OVERSHOOT:
            break
        framing = Framing(framing.eye_line, framing.eye_distance * 1.05, framing.crown)
    return framing


@dataclass(frozen=True)
class Frame:
    """A variant's output: its framing and size. Around the eye centre it spans ``box`` (left, top,
    right, bottom, in output pixels); frames of one photo at the same scale differ only in that."""

    framing: Framing
    size: tuple[int, int]

    @property
    def eye_px(self) -> float:
        return self.framing.eye_distance * self.size[0]

    @property
    def box(self) -> tuple[float, float, float, float]:
        width, height = self.size
        eyes_y = self.framing.eye_line * height
        return (-width / 2, -eyes_y, width / 2, height - eyes_y)


def union_frame(frames: Sequence[Frame]) -> Frame:
    """The smallest frame at their (common) scale that holds every one of ``frames``."""
    left = min(f.box[0] for f in frames)
    top = min(f.box[1] for f in frames)
    bottom = max(f.box[3] for f in frames)
    width, height = round(-2 * left), round(bottom - top)
    framing = Framing(-top / height, frames[0].eye_px / width, frames[0].framing.crown)
    return Frame(framing, (width, height))
