"""The studio engine: the real photo, cut out, framed the same way for
everyone, colour-normalised within the skin budget, on the brand backdrop.

``compose`` is the shared first half of every engine: the diffusion engine
starts from its ``image``, ``person_alpha`` and ``face_mask``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageColor

from core import media

from ..imaging.backdrop import ImageLoader, add_shadow, make_backdrop
from ..imaging.colour import normalise
from ..imaging.faces import Face, find_face
from ..imaging.matte import matte
from ..imaging.segment import Segmenter, default_segmenter
from .base import ProgressCallback, RenderedVariant, RenderError, RenderInput, StyleSpec

# Variant i uses DEFAULT_VARIANTS[i % 4] unless the style lists its own in options["variants"]:
# zoom scales the eye distance (1 tight, 0.8 medium), shade darkens the backdrop, aspect "4:5" makes it taller.
DEFAULT_VARIANTS: list[dict[str, Any]] = [
    {"zoom": 1.0, "shade": 0.0},
    {"zoom": 0.8, "shade": 0.0},
    {"zoom": 1.0, "shade": -0.08},
    {"zoom": 0.8, "shade": -0.08, "aspect": "4:5"},
]


@dataclass
class Composed:
    image: Image.Image  # RGB at the variant's output size
    person_alpha: np.ndarray  # float32 HxW in [0, 1]
    face_mask: np.ndarray  # bool HxW: face and hair, to protect from edits
    meta: dict[str, Any] = field(default_factory=dict)


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


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:2, :2].T + matrix[:2, 2]


def _prescale(photo: Image.Image, matrix: np.ndarray, size: tuple[int, int]) -> tuple[Image.Image, np.ndarray]:
    """Crop to what the output shows and shrink it to about output resolution first, so a 12 MP
    photo is resampled once with antialiasing and the affine step works on a small image."""
    w, h = size
    corners = _apply(matrix, np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64))
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


def _face_mask(landmarks: np.ndarray, alpha: np.ndarray, eye_dist: float) -> np.ndarray:
    """An ellipse from the chin up over the hair, limited to the person."""
    h, w = alpha.shape
    x0, x1 = landmarks[0:17, 0].min() - 0.3 * eye_dist, landmarks[0:17, 0].max() + 0.3 * eye_dist
    eye_y = landmarks[36:48, 1].mean()
    y0, y1 = eye_y - 1.9 * eye_dist, landmarks[8, 1] + 0.1 * eye_dist
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    yy, xx = np.ogrid[0:h, 0:w]
    ellipse = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0
    return ellipse & (alpha > 0.5)


def compose(
    photo: Image.Image,
    style: StyleSpec,
    variant_index: int,
    *,
    face: Face | None = None,
    segmenter: Segmenter | None = None,
    loader: ImageLoader | None = None,
) -> Composed:
    """The framed, matted photo on the brand backdrop for one variant."""
    face = face or find_face(photo)
    if face is None:
        raise RenderError("no face found in the selfie")
    variant = variant_spec(style, variant_index)
    size = output_size(style, variant)
    eye_distance = style.eye_distance * float(variant.get("zoom", 1.0))
    to_photo = frame_matrix(face, width=size[0], height=size[1], eye_line=style.eye_line, eye_distance=eye_distance)
    source, matrix = _prescale(photo.convert("RGB"), to_photo, size)
    coeffs = tuple(matrix[:2].ravel())
    fill = ImageColor.getrgb(style.backdrop_color)
    # Where the photo runs out, the backdrop shows: never stretch.
    framed = source.transform(size, Image.AFFINE, coeffs, Image.BILINEAR, fillcolor=fill)  # ~1:1 after _prescale
    valid = (
        np.asarray(
            Image.new("L", source.size, 255).transform(size, Image.AFFINE, coeffs, Image.NEAREST),
            dtype=np.float32,
        )
        / 255
    )
    mask = (segmenter or default_segmenter()).person_mask(framed) * valid
    alpha, foreground = matte(framed, mask)
    alpha = np.where(alpha < 0.01, 0.0, np.where(alpha > 0.99, 1.0, alpha)).astype(np.float32) * valid
    landmarks = _apply(np.linalg.inv(to_photo), face.landmarks)
    foreground, colour = normalise(foreground, valid > 0, landmarks)
    backdrop = make_backdrop(
        style.backdrop,
        style.backdrop_color,
        size,
        shade=float(variant.get("shade", 0.0)),
        loader=loader,
    )
    if style.backdrop.get("shadow"):
        backdrop = add_shadow(backdrop, alpha)
    out = foreground * alpha[..., None] + backdrop * (1 - alpha[..., None])
    image = Image.fromarray((out * 255 + 0.5).clip(0, 255).astype(np.uint8))
    eye_px = eye_distance * size[0]
    meta = {
        "variant": variant,
        "eye_distance": eye_distance,
        "colour": colour,
        "landmarks": landmarks.round(2).tolist(),
    }
    return Composed(image=image, person_alpha=alpha, face_mask=_face_mask(landmarks, alpha, eye_px), meta=meta)


def _stored_image(key: str) -> Image.Image:
    """A brand backdrop image uploaded to storage (style.backdrop["image_key"])."""
    from ..imaging.io import open_rgb

    return open_rgb(media.get(key))


class StudioEngine:
    name = "studio"

    def __init__(self, *, loader: ImageLoader | None = None) -> None:
        self.loader = loader or _stored_image

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
        faces: dict[int, Face] = {}
        results = []
        for step, index in enumerate(variants, start=1):
            # A replacement (attempt > 0) starts from another selfie when there is one.
            which = (index + attempt) % len(request.photos)
            photo = request.photos[which]
            if which not in faces:
                found = find_face(photo)
                if found is None:
                    raise RenderError("no face found in the selfie")
                faces[which] = found
            composed = compose(photo, request.style, index, face=faces[which], loader=self.loader)
            meta = {k: v for k, v in composed.meta.items() if k != "landmarks"} | {"photo": which}
            results.append(RenderedVariant(index=index, image=composed.image, meta=meta))
            if progress:
                progress(step, len(variants))
        return results
