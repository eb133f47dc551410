"""A style's diffusion options, read and checked without importing torch.

Everything that decides the look lives in ``BrandStyle.options``, so the
same style version renders the same images:

    {"mode": "preserve-face" | "generate",
     "model": "sdxl-inpainting" (under MODELS_DIR) | "/abs/path" | "org/hub-id",
     "adapter": "" | "photomaker-v1" | ..., "adapter_path": "...",
     "prompt": "... {attire} ...", "negative_prompt": "...",
     "scheduler": "euler", "steps": 30, "guidance": 5.0, "strength": 0.85,
     "resolution": 1024, "repaint": ["attire", "backdrop"]}

The seed policy is fixed: (member, style version, variant index, attempt).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings

from ..base import RenderError, StyleSpec
from .adapters import adapter_for

MODES = ("preserve-face", "generate")
SCHEDULERS = ("euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "ddim", "unipc")
REPAINTABLE = ("attire", "backdrop")
DEFAULT_PROMPT = (
    "professional corporate headshot of a person wearing {attire}, soft even studio lighting, "
    "85mm lens, f/4, sharp focus, neutral expression"
)
DEFAULT_NEGATIVE = "blurry, distorted, deformed, extra limbs, text, watermark, cartoon, painting"


@dataclass(frozen=True)
class DiffusionOptions:
    model: str
    mode: str = "preserve-face"
    adapter: str = ""
    adapter_path: str = ""
    prompt: str = DEFAULT_PROMPT
    negative_prompt: str = DEFAULT_NEGATIVE
    scheduler: str = "euler"
    steps: int = 30
    guidance: float = 5.0
    strength: float = 0.85
    resolution: int = 1024
    repaint: tuple[str, ...] = field(default=REPAINTABLE)

    def model_source(self) -> str:
        """A local folder where one exists (absolute, or under MODELS_DIR), else the hub id."""
        path = Path(self.model)
        if not path.is_absolute():
            path = Path(settings.MODELS_DIR) / self.model
        return str(path) if path.is_dir() else self.model

    def prompt_for(self, style: StyleSpec) -> str:
        return self.prompt.replace("{attire}", style.attire or "a dark business suit")

    def size_for(self, style: StyleSpec) -> tuple[int, int]:
        """Generation size: the output's aspect ratio, long side ``resolution``, multiples of 8."""
        scale = self.resolution / max(style.output_width, style.output_height)
        return (_round8(style.output_width * scale), _round8(style.output_height * scale))


def _round8(value: float) -> int:
    return max(8, int(round(value / 8)) * 8)


N = TypeVar("N", int, float)


def _number(raw: dict[str, Any], key: str, kind: Callable[[Any], N], low: N, high: N, default: N) -> N:
    value = raw.get(key, default)
    try:
        value = kind(value)
    except (TypeError, ValueError):
        raise RenderError(f"options.{key} must be a number") from None
    if not low <= value <= high:
        raise RenderError(f"options.{key} must be between {low} and {high}")
    return value


def _choice(raw: dict[str, Any], key: str, allowed: Collection[str], default: str) -> str:
    value = str(raw.get(key) or default)
    if value not in allowed:
        raise RenderError(f"options.{key} must be one of {', '.join(allowed)}")
    return value


def options_for(style: StyleSpec) -> DiffusionOptions:
    """The style's options, checked; bad options raise RenderError naming the field."""
    raw = dict(style.options or {})
    mode = _choice(raw, "mode", MODES, "preserve-face")
    adapter = str(raw.get("adapter") or "")
    if adapter:
        if mode != "generate":
            raise RenderError("options.adapter needs mode 'generate'")
        adapter_for(adapter)
    repaint = tuple(raw.get("repaint") or REPAINTABLE)
    if not set(repaint) <= set(REPAINTABLE):
        raise RenderError(f"options.repaint may only name {', '.join(REPAINTABLE)}")
    return DiffusionOptions(
        model=str(raw.get("model") or settings.DIFFUSION_DEFAULT_MODEL),
        mode=mode,
        adapter=adapter,
        adapter_path=str(raw.get("adapter_path") or ""),
        prompt=str(raw.get("prompt") or DEFAULT_PROMPT),
        negative_prompt=str(raw.get("negative_prompt", DEFAULT_NEGATIVE)),
        scheduler=_choice(raw, "scheduler", SCHEDULERS, "euler"),
        steps=_number(raw, "steps", int, 1, 150, 30),
        guidance=_number(raw, "guidance", float, 0.0, 30.0, 5.0),
        strength=_number(raw, "strength", float, 0.05, 1.0, 0.85),
        resolution=_number(raw, "resolution", int, 64, 2048, 1024),
        repaint=repaint,
    )
