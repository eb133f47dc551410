"""The studio engine: the real photo, framed the same way for everyone, on
the brand backdrop. (Segmentation and matting deepen it in the studio issue.)"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageColor

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
