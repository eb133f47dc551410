"""Load and check everything a diffusion style needs, before the first job.

Used by ``manage.py warm_models`` (a GPU container runs it before starting
the worker, so a missing model stops the deploy rather than the first job)
and by the worker's ``worker_process_init`` hook, which keeps the loaded
pipelines warm in that process.
"""

from __future__ import annotations

from typing import Any

from ..base import RenderError, StyleSpec
from .options import options_for
from .pipeline import base_pipeline, pipeline_for


def check_pipeline(pipe: Any, source: str) -> None:
    """The loaded weights are SDXL-shaped: two text encoders, text-time conditioning."""
    unet_config = pipe.unet.config
    if getattr(pipe, "text_encoder_2", None) is None or unet_config.addition_embed_type != "text_time":
        raise RenderError(f"{source!r} is not an SDXL pipeline")
    if unet_config.in_channels not in (4, 9):
        raise RenderError(f"{source!r} has a UNet with {unet_config.in_channels} input channels")


def warm_style(style: StyleSpec) -> str:
    """Check the style's options and load its pipeline; returns the model source."""
    opts = options_for(style)
    if opts.adapter:
        raise RenderError(f"identity adapter {opts.adapter!r} is not installed on this worker")
    source = opts.model_source()
    check_pipeline(base_pipeline(source), source)
    pipeline_for(source, mode=opts.mode, scheduler=opts.scheduler)
    return source


def current_diffusion_styles() -> list[StyleSpec]:
    from generation.models import BrandStyle, Engine

    rows = BrandStyle.objects.filter(is_current=True, engine=Engine.DIFFUSION)
    return [StyleSpec.from_model(row) for row in rows]
