"""Per-platform sizes made from the approved master.

The defaults below apply unless the brand style lists its own
(``style.options["platform_sizes"]``, edited on the brand-style page).
"""

from __future__ import annotations

import re
from typing import Any

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


PLATFORM_LABELS: dict[str, str] = {
    "slack": "Slack",
    "microsoft": "Microsoft Teams and Outlook",
    "linkedin": "LinkedIn",
    "web": "Website",
    "print": "Print",
}

MIN_SIDE, MAX_SIDE, MAX_SIZES = 64, 6000, 12
_LINE = re.compile(r"^([a-z][a-z0-9-]{0,30})\s+(\d{1,5})\s*[x×]\s*(\d{1,5})$")


def sizes_for(options: dict[str, Any] | None) -> dict[str, tuple[int, int]]:
    """The sizes a style asks for, or the defaults."""
    custom = (options or {}).get("platform_sizes")
    if not custom:
        return dict(PLATFORM_SIZES)
    return {name: (int(w), int(h)) for name, (w, h) in custom.items()}


def sizes_parse(text: str) -> dict[str, tuple[int, int]]:
    """``name WIDTHxHEIGHT`` per line; raises ValueError naming the first bad line."""
    sizes: dict[str, tuple[int, int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lower()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"Line {number} ({raw.strip()!r}) should look like 'slack 512x512'.")
        name, width, height = match.group(1), int(match.group(2)), int(match.group(3))
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise ValueError(f"Line {number}: each side must be between {MIN_SIDE} and {MAX_SIDE} pixels.")
        if name in sizes or name == "original":
            raise ValueError(f"Line {number}: the name {name!r} is used twice or reserved.")
        sizes[name] = (width, height)
    if not sizes:
        raise ValueError("List at least one size.")
    if len(sizes) > MAX_SIZES:
        raise ValueError(f"At most {MAX_SIZES} sizes.")
    return sizes


def sizes_format(sizes: dict[str, tuple[int, int]]) -> str:
    return "\n".join(f"{name} {w}x{h}" for name, (w, h) in sizes.items())


def derive(master: Image.Image, size: tuple[int, int]) -> Image.Image:
    # Top-weighted crop keeps the head in place when the aspect changes.
    return ImageOps.fit(master, fitted_size(master.size, size), Image.LANCZOS, centering=(0.5, 0.3))
