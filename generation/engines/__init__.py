from __future__ import annotations

from .base import Engine, RenderedVariant, RenderError, RenderInput, StyleSpec


def get_engine(name: str) -> Engine:
    """The engine a style names. Imports lazily: the studio path never loads torch."""
    if name == "studio":
        from .studio import StudioEngine

        return StudioEngine()
    if name == "diffusion":
        from .diffusion import DiffusionEngine

        return DiffusionEngine()
    raise RenderError(f"unknown engine {name!r}")


__all__ = ["Engine", "RenderError", "RenderInput", "RenderedVariant", "StyleSpec", "get_engine"]
