"""Per-platform sizes, made once from the approved master when HR approves it."""

from __future__ import annotations

from PIL import Image, ImageOps

# name: (width, height) wanted. Square avatars crop the centre; the rest keep the master's framing.
PLATFORM_SIZES: dict[str, tuple[int, int]] = {
    "slack": (512, 512),
    "microsoft": (648, 648),
    "linkedin": (400, 400),
    "web": (800, 1000),
    "print": (2400, 3000),
}


def fitted_size(source: tuple[int, int], wanted: tuple[int, int]) -> tuple[int, int]:
    """``wanted``'s aspect at no more pixels than the source holds: never upscaled.

    A 1024 px square master gives print 819×1024, not a blown-up 2400×3000."""
    scale = min(1.0, source[0] / wanted[0], source[1] / wanted[1])
    return max(1, round(wanted[0] * scale)), max(1, round(wanted[1] * scale))


def derive(master: Image.Image, size: tuple[int, int]) -> Image.Image:
    # Top-weighted crop keeps the head in place when the aspect changes.
    return ImageOps.fit(master, fitted_size(master.size, size), Image.LANCZOS, centering=(0.5, 0.3))
