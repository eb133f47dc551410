"""The studio engine: the real photo, framed the same way for everyone, on
the brand backdrop. (Segmentation and matting deepen it in the studio issue.)"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from ..imaging.faces import Face, detect_faces
from .base import ProgressCallback, RenderError, RenderedVariant, RenderInput, StyleSpec


def frame_affine(face: Face, *, width: int, height: int, eye_line: float, eye_distance: float):
    """Coefficients for ``Image.transform(AFFINE)`` mapping output pixels to
    input pixels so that the eyes are level, ``eye_distance * width`` apart,
    centred horizontally and at ``eye_line * height``."""
    left, right = face.left_eye, face.right_eye
    dx, dy = right[0] - left[0], right[1] - left[1]
    angle = math.atan2(dy, dx)
    scale = (eye_distance * width) / math.hypot(dx, dy)
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    src = face.eye_centre
    dst_x, dst_y = width / 2, eye_line * height
    return (cos, -sin, src[0] - cos * dst_x + sin * dst_y, sin, cos, src[1] - sin * dst_x - cos * dst_y)


def frame(image: Image.Image, face: Face, style: StyleSpec, *, eye_distance: float | None = None) -> Image.Image:
    width, height = style.output_width, style.output_height
    coeffs = frame_affine(
        face, width=width, height=height, eye_line=style.eye_line,
        eye_distance=eye_distance or style.eye_distance,
    )
    fill = ImageColor.getrgb(style.backdrop_color)
    # Where the photo runs out, the backdrop shows: never stretch.
    return image.transform((width, height), Image.AFFINE, coeffs, Image.BICUBIC, fillcolor=fill)


class StudioEngine:
    name = "studio"

    def render(
        self,
        request: RenderInput,
        variants: Sequence[int],
        *,
        attempt: int = 0,
        progress: ProgressCallback | None = None,
    ) -> list[RenderedVariant]:
        if not request.photos:
            raise RenderError("no usable selfies to render from")
        results = []
        for step, index in enumerate(variants, start=1):
            photo = request.photos[(index + attempt) % len(request.photos)]
            faces = detect_faces(photo)
            if not faces:
                raise RenderError("no face found in the selfie")
            # Even variants use the style's framing, odd ones a looser, medium shot.
            eye_distance = request.style.eye_distance * (1.0 if index % 2 == 0 else 0.8)
            image = frame(photo, faces[0], request.style, eye_distance=eye_distance)
            results.append(RenderedVariant(index=index, image=image, meta={"eye_distance": eye_distance}))
            if progress:
                progress(step, len(variants))
        return results


# --- Minimal compose() for the diffusion engine's preserve-face mode.
# The studio issue replaces this with real segmentation and matting; the
# interface (compose(photo, style, variant_index) -> Composed) stays.


@dataclass
class Composed:
    image: Image.Image  # RGB, the framed photo on the backdrop, style output size
    person_alpha: np.ndarray  # float32 HxW, 1 = person
    face_mask: np.ndarray  # bool HxW, face and hair: generative engines must not touch it


def _variant_eye_distance(style: StyleSpec, variant_index: int) -> float:
    # Even variants use the style's framing, odd ones a looser, medium shot.
    return style.eye_distance * (1.0 if variant_index % 2 == 0 else 0.8)


def _to_output(coeffs, points: np.ndarray) -> np.ndarray:
    """Map input-image points to output pixels (the inverse of the AFFINE coefficients)."""
    a, b, c, d, e, f = coeffs
    inverse = np.linalg.inv(np.array([[a, b], [d, e]]))
    return (points - np.array([c, f])) @ inverse.T


def _face_ellipse(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """An ellipse around the landmarks, grown upwards for the hair."""
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    face_w, face_h = right - left, bottom - top
    box = (left - 0.25 * face_w, top - 0.7 * face_h, right + 0.25 * face_w, bottom + 0.1 * face_h)
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).ellipse(box, fill=255)
    return np.asarray(mask) > 0


def compose(photo: Image.Image, style: StyleSpec, variant_index: int) -> Composed:
    faces = detect_faces(photo)
    if not faces:
        raise RenderError("no face found in the selfie")
    eye_distance = _variant_eye_distance(style, variant_index)
    width, height = style.output_width, style.output_height
    coeffs = frame_affine(
        faces[0], width=width, height=height, eye_line=style.eye_line, eye_distance=eye_distance
    )
    image = frame(photo, faces[0], style, eye_distance=eye_distance)
    face_mask = _face_ellipse(_to_output(coeffs, faces[0].landmarks), width, height)
    alpha = np.ones((height, width), np.float32)  # no segmentation yet: all person
    return Composed(image=image, person_alpha=alpha, face_mask=face_mask)
