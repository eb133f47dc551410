"""Cutting the person out cleanly: only the person joined to the face, and a soft end where the
source photo runs out (studio portraits fade out; they never end in the photo's own edge)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import distance_transform_edt, label

from .matte import scaled

# The half-width one person can fill, in eye distances from the face's centre line, by height
# (eye distances below the eyes): big hair above and beside the face, then the shoulders.
CORRIDOR = ((-4.0, -1.0, 1.0, 1.8, 3.0), (1.8, 2.0, 2.1, 3.4, 9.0))
# In eye distances: where the photo's bottom cuts the body it fades out level over BOTTOM_FADE; a
# shoulder cut by the photo's side fades towards it over SIDE_FADE; hair at its top or side over HAIR_FADE.
BOTTOM_FADE = 0.5
SIDE_FADE = 0.6
HAIR_FADE = 0.15
STEP = 4  # distances to the photo's edge are smooth: measured on a quarter-size grid


def corridor(shape: tuple[int, int], eyes: tuple[float, float], eye_px: float) -> np.ndarray:
    """Where one person can be, softly: no wider than a head with big hair beside the face, widening
    to the shoulders below the chin. A bystander or a sign beside the head falls outside it."""
    h, w = shape
    ys = (np.arange(h, dtype=np.float32) - eyes[1]) / eye_px  # eye distances below the eyes
    half = np.interp(ys, CORRIDOR[0], CORRIDOR[1]).astype(np.float32)
    xs = np.abs(np.arange(w, dtype=np.float32) - eyes[0]) / eye_px
    ramp = np.clip((half[:, None] - xs[None, :]) / 0.25, 0, 1)
    return ramp * ramp * (3 - 2 * ramp)


def keep_the_person(alpha: np.ndarray, eyes: tuple[float, float], eye_px: float) -> np.ndarray:
    """Only the cut-out joined to the face, within the corridor one person fills, survives: a sign,
    a lamp or a bystander the segmenter took for a person is old background and goes."""
    alpha = alpha * corridor(alpha.shape, eyes, eye_px)
    step = 4
    h, w = alpha.shape
    labels, count = label(alpha[::step, ::step] > 0.05)
    if count <= 1:
        return alpha
    x, y = int(min(w - 1, eyes[0]) // step), int(min(h - 1, eyes[1]) // step)
    own = labels[y, x]
    if own == 0:
        return alpha
    keep = scaled((labels == own).astype(np.float32), (w, h)) > 0
    return alpha * keep


def carried_mask(mask: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """What the matte sees past the photo's edge: the person mask at the edge, carried outward, so
    the matte draws no edge along the photo's own. Nothing past the edge is ever shown
    (``fade_where_the_photo_ends`` clears it). Both at one (reduced) size."""
    outside = valid < 0.5
    if not outside.any():
        return mask
    _, (rows, cols) = distance_transform_edt(outside, return_indices=True)
    return np.where(outside, mask[rows, cols], mask).astype(np.float32)


@dataclass(frozen=True)
class PhotoEdges:
    """Where the frame reaches past the photo, on a grid of STEP px, by the side of the photo it
    passes: below its bottom, beside it, above its top."""

    below: np.ndarray
    beside: np.ndarray
    above: np.ndarray

    @classmethod
    def of(cls, to_photo: np.ndarray, photo_size: tuple[int, int], size: tuple[int, int]) -> PhotoEdges:
        """``to_photo`` maps output pixels to the photo's pixels (a 3x3 affine matrix). A cell
        counts as past an edge if any of its corners is, so no sliver of the edge is missed."""
        ys, xs = np.mgrid[0 : size[1] : STEP, 0 : size[0] : STEP].astype(np.float32)
        below = beside = above = np.zeros(xs.shape, dtype=bool)
        for dx, dy in ((0, 0), (STEP, 0), (0, STEP), (STEP, STEP)):
            u = to_photo[0, 0] * (xs + dx) + to_photo[0, 1] * (ys + dy) + to_photo[0, 2]
            v = to_photo[1, 0] * (xs + dx) + to_photo[1, 1] * (ys + dy) + to_photo[1, 2]
            below, above = below | (v >= photo_size[1]), above | (v < 0)
            beside = beside | (u < 0) | (u >= photo_size[0])
        return cls(below=below, beside=beside, above=above)


def _distance_to(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Output pixels' distance to the nearest cell of ``mask`` (a STEP grid)."""
    return scaled((distance_transform_edt(~mask) * STEP).astype(np.float32), size)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0, 1)
    return t * t * (3 - 2 * t)


def fade_where_the_photo_ends(
    alpha: np.ndarray, valid: np.ndarray, edges: PhotoEdges, *, landmarks: np.ndarray, eye_px: float
) -> tuple[np.ndarray, float | None]:
    """Studio portraits end in a soft fade, never in the photo's own edge, and show nothing the
    photo does not: past its edge there is only backdrop.

    Where the photo's bottom cuts the body, the body fades out level, over ``BOTTOM_FADE`` eye
    distances, above the highest point where they meet; what the photo's side cuts (a shoulder,
    long hair) fades towards that side over ``SIDE_FADE``, less where the side is close to the face,
    which never fades; hair that reaches the photo's top softens over ``HAIR_FADE``. ``landmarks``
    are the face's 68 points in output pixels. Returns the alpha and the row where the level fade
    ends (None: no fade)."""
    inside = valid >= 0.5
    if inside.all():
        return alpha, None
    h, w = alpha.shape
    chin_y = float(landmarks[8, 1])
    alpha = alpha * inside
    fade_end = None
    if edges.below.any():
        near = (_distance_to(edges.below, (w, h)) <= 3 * STEP) & (alpha > 0.3)
        rows = np.nonzero(near.any(axis=1))[0]
        rows = rows[rows > chin_y]
        if len(rows):
            fade_end = float(rows.min())
            level = _smoothstep((fade_end - np.arange(h, dtype=np.float32)) / (BOTTOM_FADE * eye_px))
            alpha = alpha * level[:, None]
    if edges.beside.any():
        distance = _distance_to(edges.beside, (w, h))
        jaw = landmarks[0:17]
        x0, x1 = (int(np.clip(v, 0, w - 1)) for v in (jaw[:, 0].min(), jaw[:, 0].max()))
        y0, y1 = (int(np.clip(v, 0, h - 1)) for v in (landmarks[17:27, 1].min(), chin_y))
        to_face = float(distance[y0 : y1 + 1, x0 : x1 + 1].min())
        band = float(np.clip(to_face - 0.1 * eye_px, HAIR_FADE * eye_px, SIDE_FADE * eye_px))
        alpha = alpha * _smoothstep(distance / band)
    if edges.above.any():
        alpha = alpha * _smoothstep(_distance_to(edges.above, (w, h)) / (HAIR_FADE * eye_px))
    return alpha.astype(np.float32), fade_end
