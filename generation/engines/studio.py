"""The studio engine: the real photo, cut out, framed the same way for
everyone, colour-normalised within the skin budget, on the brand backdrop.

``compose`` is the shared first half of every engine: the diffusion engine
starts from its ``image``, ``person_alpha`` and ``face_mask``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from core import media

from ..imaging.backdrop import ImageLoader, add_shadow, make_backdrop
from ..imaging.colour import normalise
from ..imaging.cutout import PhotoEdges, carried_mask, fade_where_the_photo_ends, keep_the_person
from ..imaging.faces import Face, find_face
from ..imaging.matte import matte, scaled
from ..imaging.segment import Segmenter, default_segmenter
from .base import ProgressCallback, RenderedVariant, RenderError, RenderInput, StyleSpec
from .framing import (
    Frame,
    apply_matrix,
    choose_framing,
    crown_height,
    fit_wider_variant,
    frame_matrix,
    output_size,
    prescale,
    union_frame,
    variant_spec,
)


@dataclass
class Composed:
    image: Image.Image  # RGB at the variant's output size
    person_alpha: np.ndarray  # float32 HxW in [0, 1]
    face_mask: np.ndarray  # bool HxW: face and hair, to protect from edits
    meta: dict[str, Any] = field(default_factory=dict)
    foreground: np.ndarray | None = None  # float32 HxWx3: the person's un-mixed colour (for other backdrops)
    valid: np.ndarray | None = None  # float32 HxW: 1 where the source photo covers the frame
    face: Face | None = None  # the selfie's face where the output shows it
    source: str = ""  # the cut-out it shows (Cutout.source): the same face pixels as its other variants


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


def _face_outline(landmarks: np.ndarray, size: tuple[int, int], margin: float) -> np.ndarray:
    """The face inside its jaw line and brows, widened by ``margin`` px, as a boolean mask."""
    points = [(float(x), float(y)) for x, y in np.concatenate([landmarks[0:17], landmarks[26:16:-1]])]
    outline = Image.new("1", size)
    draw = ImageDraw.Draw(outline)
    draw.polygon(points, fill=1)
    draw.line([*points, points[0]], fill=1, width=max(1, round(2 * margin)), joint="curve")
    return np.asarray(outline)


FACE_MARGIN = 0.15  # eye distances around the jaw line that the matte never takes for the wall
HAIR_BELOW_CHIN = 0.5  # eye distances: the matte treats the edge as hair down to here
MASK_STEP = 4  # the person mask is carried past the photo's edge on a grid this much coarser


def _extended(photo: Image.Image, matrix: np.ndarray, size: tuple[int, int]) -> tuple[Image.Image, np.ndarray]:
    """The part of the photo the frame shows, with its edge pixels carried outward far enough to
    cover the frame: the segmenter and the matte then see no edge along the photo's own (none of it
    is shown; the fade clears it)."""
    w, h = size
    corners = apply_matrix(matrix, np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64))
    x0, y0 = np.floor(corners.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 2
    if x0 >= 0 and y0 >= 0 and x1 <= photo.width and y1 <= photo.height:
        return photo, matrix
    box = (max(0, x0), max(0, y0), min(photo.width, x1), min(photo.height, y1))
    pad = ((box[1] - y0, y1 - box[3]), (box[0] - x0, x1 - box[2]), (0, 0))
    pixels = np.pad(np.asarray(photo.crop(box)), pad, mode="edge")
    shift = np.array([[1.0, 0, -x0], [0, 1.0, -y0], [0, 0, 1.0]])
    return Image.fromarray(pixels), shift @ matrix


@dataclass
class Cutout:
    """The person cut out at one frame: what every variant of a photo inside that frame, at its
    scale, shares (the variants that differ only in backdrop or height are matted once)."""

    frame: Frame
    alpha: np.ndarray  # float32 HxW
    foreground: np.ndarray  # float32 HxWx3, colour-normalised
    valid: np.ndarray  # float32 HxW
    landmarks: np.ndarray  # (68, 2) in output pixels
    colour: dict[str, Any]
    face: Face  # in output pixels
    fade_end: float | None  # where the body's level fade ends, in eye distances below the eyes
    source: str = ""  # which cut-out of the photo this is (its crops keep it)

    def crop(self, frame: Frame) -> Cutout:
        """The part of this cut-out that ``frame`` (at the same scale, inside it) shows."""
        if frame.size == self.frame.size and frame.framing.eye_line == self.frame.framing.eye_line:
            return self
        x0 = round(self.frame.size[0] / 2 - frame.size[0] / 2)
        y0 = round(self.frame.framing.eye_line * self.frame.size[1] - frame.framing.eye_line * frame.size[1])
        rows, cols = slice(y0, y0 + frame.size[1]), slice(x0, x0 + frame.size[0])
        left, top, right, bottom = self.face.box
        return Cutout(
            frame,
            self.alpha[rows, cols],
            self.foreground[rows, cols],
            self.valid[rows, cols],
            self.landmarks - (x0, y0),
            self.colour,
            Face(
                box=(left - x0, top - y0, right - x0, bottom - y0),
                landmarks=self.landmarks - (x0, y0),
                score=self.face.score,
            ),
            self.fade_end,
            self.source,
        )


@dataclass
class PhotoCache:
    """What the variants of one photo share within a render: its face, the top of its hair, the
    frames of the variants it will render (``plan``), and the cut-outs made for them."""

    face: Face
    crown: float | None = None
    crown_known: bool = False
    planned: list[Frame] = field(default_factory=list)
    cutouts: dict[tuple[float, int, int, float], Cutout] = field(default_factory=dict)

    def plan(self, photo: Image.Image, style: StyleSpec, indexes: Sequence[int], segmenter: Segmenter) -> None:
        """Say which variants of this photo will be rendered: those at one scale are cut out once."""
        self.planned = [variant_frame(photo, style, variant_spec(style, i), self, segmenter) for i in indexes]


def variant_frame(
    photo: Image.Image, style: StyleSpec, variant: dict[str, Any], cache: PhotoCache, segmenter: Segmenter
) -> Frame:
    if not cache.crown_known:
        cache.crown, cache.crown_known = crown_height(photo, cache.face, segmenter), True
    size = output_size(style, variant)
    framing = choose_framing(style, variant, size, cache.crown)
    if float(variant.get("zoom", 1.0)) < 1.0:
        base = choose_framing(style, {}, size, framing.crown)
        wider = fit_wider_variant(cache.face, photo.size, size, framing)
        framing = wider if wider.eye_distance <= base.eye_distance else base
    return Frame(framing, size)


def cut_out(
    photo: Image.Image, style: StyleSpec, variant: dict[str, Any], cache: PhotoCache, segmenter: Segmenter
) -> Cutout:
    frame = variant_frame(photo, style, variant, cache, segmenter)
    same_scale = [f for f in cache.planned if abs(f.eye_px - frame.eye_px) < 1e-6]
    union = union_frame([frame, *same_scale])
    key = (round(union.eye_px, 6), *union.size, round(union.framing.eye_line, 6))
    if key not in cache.cutouts:
        cache.cutouts[key] = _cut(photo, cache.face, union, segmenter)
        cache.cutouts[key].source = f"cut-out {len(cache.cutouts)}"
    return cache.cutouts[key].crop(frame)


def _cut(photo: Image.Image, face: Face, frame: Frame, segmenter: Segmenter) -> Cutout:
    framing, size = frame.framing, frame.size
    to_photo = frame_matrix(
        face, width=size[0], height=size[1], eye_line=framing.eye_line, eye_distance=framing.eye_distance
    )
    source, matrix = prescale(photo, to_photo, size)
    edges = PhotoEdges.of(matrix, source.size, size)
    valid = (
        np.asarray(
            Image.new("L", source.size, 255).transform(size, Image.AFFINE, tuple(matrix[:2].ravel()), Image.NEAREST),
            dtype=np.float32,
        )
        / 255
    )
    source, matrix = _extended(source, matrix, size)
    framed = source.transform(size, Image.AFFINE, tuple(matrix[:2].ravel()), Image.BILINEAR)  # ~1:1 after _prescale
    to_output = np.linalg.inv(to_photo)
    landmarks = apply_matrix(to_output, face.landmarks)
    eye_px = frame.eye_px
    # The matte reads the mask at its own reduced size: carry it past the photo's edge there.
    small = (max(1, size[0] // MASK_STEP), max(1, size[1] // MASK_STEP))
    mask = carried_mask(scaled(segmenter.person_mask(framed), small), scaled(valid, small))
    alpha, foreground = matte(
        framed,
        mask,
        hair_above=float(landmarks[8, 1]) + HAIR_BELOW_CHIN * eye_px,
        wall_above=float(landmarks[48:68, 1].mean()),  # the mouth: the head, not the shoulders
        gaps_above=float(landmarks[36:48, 1].mean()),  # the eyes: the hair, not a white collar
        valid=valid,
        face=_face_outline(landmarks, size, FACE_MARGIN * eye_px),
    )
    alpha, fade_end = fade_where_the_photo_ends(alpha, valid, edges, landmarks=landmarks, eye_px=eye_px)
    alpha = keep_the_person(alpha, (size[0] / 2, size[1] * framing.eye_line), eye_px).astype(np.float32)
    foreground, colour = normalise(foreground, valid > 0, landmarks)
    eyes_y = size[1] * framing.eye_line
    fade = None if fade_end is None else round((fade_end - eyes_y) / eye_px, 2)
    return Cutout(frame, alpha, foreground, valid, landmarks, colour, _moved_face(face, to_output, landmarks), fade)


def compose(
    photo: Image.Image,
    style: StyleSpec,
    variant_index: int,
    *,
    face: Face | None = None,
    segmenter: Segmenter | None = None,
    loader: ImageLoader | None = None,
    cache: PhotoCache | None = None,
) -> Composed:
    """The framed, matted photo on the brand backdrop for one variant. Pass the same ``cache``
    for the variants of one photo: they then share its face, crown and cut-outs."""
    if cache is None:
        face = face or find_face(photo)
        if face is None:
            raise RenderError("no face found in the selfie")
        cache = PhotoCache(face=face)
    photo = photo.convert("RGB")
    variant = variant_spec(style, variant_index)
    cut = cut_out(photo, style, variant, cache, segmenter or default_segmenter())
    backdrop = make_backdrop(
        style.backdrop,
        style.backdrop_color,
        cut.frame.size,
        shade=float(variant.get("shade", 0.0)),
        loader=loader,
    )
    if style.backdrop.get("shadow"):
        backdrop = add_shadow(backdrop, cut.alpha)
    image = Image.fromarray(_over(cut.foreground, cut.alpha, backdrop))
    framing = cut.frame.framing
    meta = {
        "variant": variant,
        "eye_line": round(framing.eye_line, 4),
        "eye_distance": round(framing.eye_distance, 4),
        "crown": None if framing.crown is None else round(framing.crown, 2),
        "fade_end": cut.fade_end,
        "colour": cut.colour,
        "landmarks": cut.landmarks.round(2).tolist(),
    }
    return Composed(
        image=image,
        person_alpha=cut.alpha,
        face_mask=_face_mask(cut.landmarks, cut.alpha, cut.frame.eye_px),
        meta=meta,
        foreground=cut.foreground,
        valid=cut.valid,
        face=cut.face,
        source=cut.source,
    )


def _over(foreground: np.ndarray, alpha: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    """The person over the backdrop, as 8-bit RGB (in place on one copy: this runs per output).
    Both are in [0, 1], so the mix is too: no clipping."""
    out = foreground - backdrop
    out *= alpha[..., None]
    out += backdrop
    out *= 255
    out += 0.5
    return out.astype(np.uint8)


def _moved_face(face: Face, to_output: np.ndarray, landmarks: np.ndarray) -> Face:
    """The detected face where the frame puts it: the box keeps its centre and is scaled with the
    frame (the frame levels the eyes, so an upright box is what a detector would find there)."""
    left, top, right, bottom = face.box
    cx, cy = apply_matrix(to_output, np.array([[(left + right) / 2, (top + bottom) / 2]]))[0]
    scale = float(np.sqrt(abs(np.linalg.det(to_output[:2, :2]))))
    half_w, half_h = scale * (right - left) / 2, scale * (bottom - top) / 2
    return Face(box=(cx - half_w, cy - half_h, cx + half_w, cy + half_h), landmarks=landmarks, score=face.score)


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
        # A replacement (attempt > 0) starts from another selfie when there is one.
        source = {index: (index + attempt) % len(request.photos) for index in variants}
        caches: dict[int, PhotoCache] = {}
        for which in dict.fromkeys(source.values()):
            photo = request.photos[which].convert("RGB")
            found = find_face(photo)
            if found is None:
                raise RenderError("no face found in the selfie")
            caches[which] = PhotoCache(face=found)
            mine = [index for index in variants if source[index] == which]
            caches[which].plan(photo, request.style, mine, default_segmenter())
        results = []
        for step, index in enumerate(variants, start=1):
            which = source[index]
            photo = request.photos[which]
            composed = compose(photo, request.style, index, loader=self.loader, cache=caches[which])
            meta = {k: v for k, v in composed.meta.items() if k != "landmarks"} | {"photo": which}
            key = f"photo {which}, {composed.source}"
            results.append(
                RenderedVariant(index=index, image=composed.image, meta=meta, face=composed.face, likeness_key=key)
            )
            if progress:
                progress(step, len(variants))
        return results
