"""Brand backdrops: solid colour, vertical gradient or an uploaded image, with an optional soft shadow."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageColor, ImageFilter, ImageOps

# backdrop["image_key"] names a stored brand image; the engine receives a loader so it stays storage-free.
ImageLoader = Callable[[str], Image.Image]


def _rgb(value: str, shade: float = 0.0) -> np.ndarray:
    colour = np.array(ImageColor.getrgb(value), dtype=np.float32) / 255.0
    return (colour * (1 + shade)).clip(0, 1) if shade < 0 else colour + (1 - colour) * shade


def make_backdrop(
    spec: dict,
    colour: str,
    size: tuple[int, int],
    *,
    shade: float = 0.0,
    loader: ImageLoader | None = None,
) -> np.ndarray:
    """HxWx3 float32 in [0,1], read-only (a solid colour is one pixel broadcast). ``shade`` darkens
    (<0) or lightens (>0) the brand colour for a variant."""
    width, height = size
    kind = spec.get("kind", "solid")
    if kind == "gradient":
        top, bottom = _rgb(colour, shade), _rgb(spec.get("color2", "#FFFFFF"), shade)
        t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
        return np.broadcast_to(top * (1 - t) + bottom * t, (height, width, 3))
    if kind == "image" and loader and spec.get("image_key"):
        brand = ImageOps.fit(loader(spec["image_key"]).convert("RGB"), size, Image.LANCZOS)
        if spec.get("blur"):
            brand = brand.filter(ImageFilter.GaussianBlur(float(spec["blur"])))
        pixels = np.asarray(brand, dtype=np.float32) / 255.0
        return (pixels * (1 + shade)).clip(0, 1) if shade else pixels
    return np.broadcast_to(_rgb(colour, shade), (height, width, 3))


def add_shadow(backdrop: np.ndarray, alpha: np.ndarray, *, strength: float = 0.35) -> np.ndarray:
    """A soft drop shadow: the person's alpha, blurred and shifted right and down, darkens the backdrop."""
    h, w = alpha.shape
    offset = max(2, round(0.015 * w))
    mask = Image.fromarray((alpha * 255).astype(np.uint8))
    moved = Image.new("L", (w, h), 0)
    moved.paste(mask, (offset, offset))
    soft = np.asarray(moved.filter(ImageFilter.GaussianBlur(0.02 * w)), dtype=np.float32) / 255.0
    return backdrop * (1 - strength * soft)[..., None]
