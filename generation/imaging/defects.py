"""Defects a person sees at a glance in a headshot, measured on the cut-out: where the source
photo's edge shows, straight cuts, leftover patches of old background, and a cut crown.

``make bench-quality`` reports them over every real portrait; the tests hold the engine to them.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import label

# The person is visible where its alpha passes this; more such pixels than VISIBLE_SEAM_PX at or
# past the photo's edge make a visible edge (a few stray pixels do not).
VISIBLE_ALPHA = 0.1
VISIBLE_SEAM_PX = 20
# An alpha step between neighbouring pixels larger than this is a hard edge, not a fade.
HARD_STEP = 0.3


def _grown(mask: np.ndarray, by: int) -> np.ndarray:
    out = mask.copy()
    for shift in range(1, by + 1):
        out[shift:] |= mask[:-shift]
        out[:-shift] |= mask[shift:]
        out[:, shift:] |= mask[:, :-shift]
        out[:, :-shift] |= mask[:, shift:]
    return out


def photo_edge_px(alpha: np.ndarray, valid: np.ndarray | None) -> int:
    """Pixels where the person shows at or past the line where the source photo runs out: there
    the photo's own edge (a straight cut, a pasted rectangle) or pixels it never had (a smeared
    continuation) would show. A clean render has faded out before it."""
    if valid is None:
        return 0
    outside = valid < 0.5
    if not outside.any():
        return 0
    return int(((alpha > VISIBLE_ALPHA) & _grown(outside, 2)).sum())


def straight_cut_px(alpha: np.ndarray) -> int:
    """The longest perfectly straight horizontal or vertical run of a hard alpha edge (a jump of
    more than ``HARD_STEP`` between neighbours): bodies and hair are curved and a fade is soft,
    but a cut along the photo's edge or a rectangle of old background is straight and hard."""
    longest = 0
    for edges in (np.abs(np.diff(alpha, axis=0)) > HARD_STEP, (np.abs(np.diff(alpha, axis=1)) > HARD_STEP).T):
        for row in edges[edges.any(axis=1)]:
            padded = np.concatenate([[0], row.astype(np.int8), [0]])
            starts = np.nonzero(padded[1:] > padded[:-1])[0]
            ends = np.nonzero(padded[1:] < padded[:-1])[0]
            longest = max(longest, int((ends - starts).max()))
    return longest


def stray_share(alpha: np.ndarray) -> float:
    """Share of the opaque cut-out not joined to the person: leftover patches of old background."""
    labels, count = label(alpha > 0.5)
    if count <= 1:
        return 0.0
    sizes = np.bincount(labels.ravel())[1:]
    return round(float(1 - sizes.max() / sizes.sum()), 4)


def crown_margin(alpha: np.ndarray, eye_distance_px: float) -> float | None:
    """Gap between the frame's top and the top of the head, as a share of the height (0: cut)."""
    h, w = alpha.shape
    column = alpha[:, max(0, round(w / 2 - 1.3 * eye_distance_px)) : round(w / 2 + 1.3 * eye_distance_px)]
    rows = np.nonzero((column > 0.5).any(axis=1))[0]
    return None if not len(rows) else round(float(rows[0] / h), 4)
