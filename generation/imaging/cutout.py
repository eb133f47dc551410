"""Cutting the person out cleanly: only the person joined to the face, and a soft end where the
source photo runs out (studio portraits fade out; they never end in the photo's own edge)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter
from scipy.ndimage import distance_transform_edt, label

# The half-width one person can fill, in eye distances from the face's centre line, by height
# (eye distances below the eyes): big hair above and beside the face, then the shoulders.
CORRIDOR = ((-4.0, -1.0, 1.0, 1.8, 3.0), (1.8, 2.0, 2.1, 3.4, 9.0))
FADE_BAND = 0.7  # past the photo's edge, the body fades out over this many eye distances
TOP_FADE_BAND = 0.12  # ... and over this many above the photo's top


def _resized(channel: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(channel.astype(np.float32), mode="F").resize(size, Image.BILINEAR))


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
    keep = _resized((labels == own).astype(np.float32), (w, h)) > 0
    return alpha * keep


def carried_mask(mask: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Past the photo's edge the person is what the edge shows, carried outward: the segmenter's own
    guess there (on smeared pixels) would leave a seam along the edge."""
    outside = valid < 0.5
    if not outside.any():
        return mask
    step = 4
    h, w = mask.shape
    small = mask[::step, ::step]
    _, (rows, cols) = distance_transform_edt(outside[::step, ::step], return_indices=True)
    carried = _resized(small[rows, cols], (w, h))
    return np.where(outside, carried, mask).astype(np.float32)


def fade_where_the_photo_ends(
    alpha: np.ndarray, foreground: np.ndarray, valid: np.ndarray, *, eye_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """Studio portraits end in a soft fade, never in the photo's own edge.

    Past the photo's edge the body is only its edge pixels carried outward: it fades out over
    ``FADE_BAND`` eye distances, and its colour is smoothed there so the carried pixels show no
    streaks. Inside the photo nothing changes."""
    outside = valid < 0.5
    if not outside.any():
        return alpha, foreground
    h, w = alpha.shape
    step = 4  # the distance is smooth: measure it on a quarter-size grid
    distance = distance_transform_edt(outside[::step, ::step]) * step
    distance = np.array(
        Image.fromarray(distance.astype(np.float32), mode="F").resize((w, h), Image.BILINEAR), dtype=np.float32
    )
    distance[~outside] = 0
    # Above the photo's top only hair could be carried: it may not grow there, so it ends quickly.
    inside = ~outside[::step, ::step]
    below_is_photo = np.maximum.accumulate(inside[::-1], axis=0)[::-1]
    above_photo = ~inside & ~np.maximum.accumulate(inside, axis=0) & below_is_photo
    band = _resized(np.where(above_photo, TOP_FADE_BAND, FADE_BAND).astype(np.float32) * eye_px, (w, h))
    ramp = np.clip(1 - distance / band, 0, 1)
    ramp = ramp * ramp * (3 - 2 * ramp)  # smoothstep: no visible end of the fade
    # Smooth on a quarter-size copy: it only has to remove the streaks of the carried edge pixels.
    small = Image.fromarray((foreground * 255 + 0.5).clip(0, 255).astype(np.uint8)).resize(
        (max(1, w // step), max(1, h // step)), Image.BILINEAR
    )
    small = small.filter(ImageFilter.GaussianBlur(max(1.0, 0.35 * eye_px / step)))
    smooth = np.asarray(small.resize((w, h), Image.BILINEAR), dtype=np.float32) / 255
    blend = np.clip(distance / (0.2 * eye_px), 0, 1)[..., None]  # texture gives way to smooth colour
    return alpha * ramp, foreground * (1 - blend) + smooth * blend
