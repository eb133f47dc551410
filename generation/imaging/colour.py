"""Colour: facial skin in CIELAB, ΔE2000, and a bounded white balance.

The correction moves white balance and exposure toward a neutral target, but
never so far that the mean facial skin moves more than ``SKIN_BUDGET`` ΔE2000:
the skin-tone guard (default threshold 5) then holds by construction.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab

SKIN_BUDGET = 2.5  # ΔE2000 the correction may move the skin
MAX_GAIN = 0.12  # per-channel gain stays within ±12 %
TARGET_LUMA = 0.50  # mean face luminance the exposure aims for


def skin_points(landmarks: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """(centre, radius) of the two cheek patches and the forehead patch, from dlib's 68 points."""
    eyes = landmarks[36:42].mean(axis=0), landmarks[42:48].mean(axis=0)
    eye_dist = float(np.hypot(*(eyes[1] - eyes[0])))
    r = 0.14 * eye_dist
    left_cheek = (landmarks[2] + landmarks[31] + landmarks[40]) / 3  # jaw, nostril, lower eyelid
    right_cheek = (landmarks[14] + landmarks[35] + landmarks[47]) / 3
    brows = landmarks[17:27].mean(axis=0)
    up = (brows - landmarks[33]) / max(np.hypot(*(brows - landmarks[33])), 1e-6)
    forehead = brows + up * 0.35 * eye_dist
    return [(left_cheek, r), (right_cheek, r), (forehead, r)]


def skin_pixels(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The RGB pixels (N x 3) inside the skin patches; only their bounding box is scanned."""
    h, w = rgb.shape[:2]
    chunks = []
    for centre, r in skin_points(landmarks):
        x0, x1 = max(0, int(centre[0] - r)), min(w, int(centre[0] + r) + 1)
        y0, y1 = max(0, int(centre[1] - r)), min(h, int(centre[1] + r) + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        inside = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 <= r * r
        chunks.append(rgb[y0:y1, x0:x1][inside])
    return np.concatenate(chunks) if chunks else np.zeros((0, 3), dtype=np.float32)


def skin_lab(image: Image.Image | np.ndarray, landmarks: np.ndarray) -> np.ndarray | None:
    """Mean CIELAB of the facial skin patches (None when they fall outside the image)."""
    rgb = np.asarray(image) if isinstance(image, Image.Image) else image
    pixels = skin_pixels(rgb, landmarks)
    if len(pixels) < 20:
        return None
    if pixels.dtype == np.uint8:
        pixels = pixels.astype(np.float32) / 255.0
    return rgb2lab(pixels[None].astype(np.float64))[0].mean(axis=0)


def delta_e(lab1: ArrayLike, lab2: ArrayLike) -> float:
    return float(deltaE_ciede2000(np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)))


def _gains(rgb: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Grey-world white balance and exposure toward the target, each bounded."""
    pixels = rgb[::4, ::4][region[::4, ::4]]  # every 16th pixel is plenty for a mean
    means = pixels.mean(axis=0) + 1e-6
    balance = (means.mean() / means).clip(1 - MAX_GAIN, 1 + MAX_GAIN)
    luma = float((pixels * [0.2126, 0.7152, 0.0722]).sum(axis=1).mean()) + 1e-6
    exposure = float(np.clip(TARGET_LUMA / luma, 1 - MAX_GAIN, 1 + MAX_GAIN))
    return balance * exposure


def _lab(pixels: np.ndarray) -> np.ndarray:
    return rgb2lab(pixels[None].astype(np.float64))[0].mean(axis=0)


def bounded_strength(skin: np.ndarray, gains: np.ndarray) -> float:
    """The largest share (1, 1/2, 1/4, ...) of the correction that moves the skin at most SKIN_BUDGET."""
    if len(skin) < 20:
        return 1.0
    before, strength = _lab(skin), 1.0
    while strength > 0.05:
        if delta_e(before, _lab((skin * (1 + strength * (gains - 1))).clip(0, 1))) <= SKIN_BUDGET:
            return strength
        strength /= 2
    return 0.0


def normalise(rgb: np.ndarray, region: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, dict]:
    """Apply the bounded correction to an HxWx3 float image in [0,1], in place (and return it)."""
    if not region.any():
        return rgb, {"gains": [1.0, 1.0, 1.0], "strength": 0.0, "skin_delta_e": 0.0}
    gains = _gains(rgb, region)
    skin = skin_pixels(rgb, landmarks)
    strength = bounded_strength(skin, gains)
    applied = (1 + strength * (gains - 1)).astype(np.float32)
    moved = delta_e(_lab(skin), _lab((skin * applied).clip(0, 1))) if len(skin) >= 20 else 0.0
    rgb *= applied
    np.clip(rgb, 0, 1, out=rgb)
    return rgb, {
        "gains": [round(float(g), 4) for g in applied],
        "strength": strength,
        "skin_delta_e": round(moved, 3),
    }
