"""Which pixels diffusion may repaint, and putting the person's own face back.

The inpainting mask is white where the style repaints (attire, backdrop)
and black over the face and hair. After generation the original pixels are
composited back with a feathered alpha that is exactly 1 wherever nothing
was to be repainted, so face pixels stay the person's own by construction
(the VAE round trip alone would shift them slightly).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter


def repaint_region(person_alpha: np.ndarray, face_mask: np.ndarray, repaint: tuple[str, ...]) -> np.ndarray:
    """bool HxW: True where the style may repaint."""
    region = np.zeros(face_mask.shape, dtype=bool)
    if "attire" in repaint:
        region |= person_alpha >= 0.5
    if "backdrop" in repaint:
        region |= person_alpha < 0.5
    return region & ~face_mask


def mask_image(region: np.ndarray) -> Image.Image:
    return Image.fromarray(region.astype(np.uint8) * 255, "L")


def keep_alpha(region: np.ndarray, feather: float) -> np.ndarray:
    """float32 HxW: 1 = keep the original pixel. Exactly 1 outside ``region``;
    the feather only softens the seam on the repainted side."""
    hard = (~region).astype(np.float32)
    soft = np.asarray(mask_image(~region).filter(ImageFilter.GaussianBlur(feather)), np.float32) / 255
    return np.maximum(hard, soft)


def restore(generated: Image.Image, original: Image.Image, region: np.ndarray) -> Image.Image:
    """``generated`` (same size as ``original``) with every unrepainted pixel put back."""
    keep = keep_alpha(region, feather=max(1.0, original.width / 200))[..., None]
    mixed = np.asarray(original, np.float32) * keep + np.asarray(generated, np.float32) * (1 - keep)
    return Image.fromarray(np.clip(np.rint(mixed), 0, 255).astype(np.uint8), "RGB")
