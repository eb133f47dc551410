"""Per-platform sizes made at export time from the approved master."""

from __future__ import annotations

from PIL import Image, ImageOps

# name: (width, height). Square avatars crop the centre; the rest keep the master's framing.
PLATFORM_SIZES: dict[str, tuple[int, int]] = {
    "slack": (512, 512),
    "microsoft": (648, 648),
    "linkedin": (400, 400),
    "web": (800, 1000),
    "print": (2400, 3000),
}


PLATFORM_LABELS: dict[str, str] = {
    "slack": "Slack",
    "microsoft": "Microsoft Teams and Outlook",
    "linkedin": "LinkedIn",
    "web": "Website",
    "print": "Print",
}


def derive(master: Image.Image, size: tuple[int, int]) -> Image.Image:
    # Top-weighted crop keeps the head in place when the aspect changes.
    return ImageOps.fit(master, size, Image.LANCZOS, centering=(0.5, 0.3))
