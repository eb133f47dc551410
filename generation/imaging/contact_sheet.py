"""The team's approved headshots side by side, so consistency shows at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

TILE = 320
LABEL = 28


def contact_sheet(items: Sequence[tuple[str, Image.Image]], *, columns: int = 4) -> Image.Image:
    """One tile per (name, headshot), in rows of ``columns``, names underneath."""
    columns = max(1, min(columns, len(items) or 1))
    rows = max(1, -(-len(items) // columns))
    sheet = Image.new("RGB", (columns * TILE, rows * (TILE + LABEL)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (name, image) in enumerate(items):
        x, y = (i % columns) * TILE, (i // columns) * (TILE + LABEL)
        tile = image.convert("RGB").copy()
        tile.thumbnail((TILE, TILE), Image.LANCZOS)
        sheet.paste(tile, (x + (TILE - tile.width) // 2, y))
        draw.text((x + 8, y + TILE + 6), name, fill="black")
    return sheet
