"""Loading SDXL pipelines once per process, on the best device available.

Weights come from a local folder or a hub id; a hub id resolves only from
the local cache unless DIFFUSION_ALLOW_HUB_DOWNLOADS is set. On CUDA the
pipeline runs in bf16 (or fp16) with SDPA attention and channels_last
memory, and the UNet is optionally compiled. On CPU it runs in float32.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Any

from django.conf import settings

from ..base import RenderError

log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: dict[tuple, object] = {}

SCHEDULERS = {
    "euler": ("EulerDiscreteScheduler", {}),
    "euler_a": ("EulerAncestralDiscreteScheduler", {}),
    "dpmpp_2m": ("DPMSolverMultistepScheduler", {}),
    "dpmpp_2m_karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "ddim": ("DDIMScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
}


@cache
def device() -> str:
    import torch

    wanted = settings.DIFFUSION_DEVICE
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return wanted


def dtype() -> Any:
    import torch

    if not device().startswith("cuda"):
        return torch.float32
    return getattr(torch, settings.DIFFUSION_DTYPE)


def apply_speedups(
    pipe: Any, *, channels_last: bool = True, bf16_vae: bool = False, compile_unet: bool = False
) -> None:
    """SDPA attention with fused QKV projections, channels_last memory, optional compile.

    Settings-free so that tests/bench/gpu.py measures exactly this.
    """
    import torch
    from diffusers.models.attention_processor import AttnProcessor2_0

    pipe.unet.set_attn_processor(AttnProcessor2_0())  # PyTorch SDPA: flash / mem-efficient kernels
    pipe.fuse_qkv_projections()
    if channels_last:
        pipe.unet.to(memory_format=torch.channels_last)
        pipe.vae.to(memory_format=torch.channels_last)
    if bf16_vae:
        pipe.vae.register_to_config(force_upcast=False)  # bf16 has fp32's range: no fp32 VAE pass
    if compile_unet:
        pipe.unet = torch.compile(pipe.unet, fullgraph=True)


def optimize(pipe: Any) -> None:
    import torch

    if device().startswith("cuda"):
        apply_speedups(pipe, bf16_vae=dtype() == torch.bfloat16, compile_unet=settings.DIFFUSION_COMPILE)


def _from_pretrained(source: str) -> Any:
    from diffusers import StableDiffusionXLInpaintPipeline

    try:
        return StableDiffusionXLInpaintPipeline.from_pretrained(
            source,
            torch_dtype=dtype(),
            local_files_only=not settings.DIFFUSION_ALLOW_HUB_DOWNLOADS,
        )
    except (OSError, ValueError) as exc:
        hint = "" if settings.DIFFUSION_ALLOW_HUB_DOWNLOADS else " (hub downloads are off)"
        raise RenderError(f"cannot load diffusion model {source!r}{hint}: {exc}") from exc


def base_pipeline(source: str) -> Any:
    """The inpainting pipeline for ``source``, loaded once per process and kept warm."""
    key = (source, device(), str(dtype()))
    with _lock:
        if key not in _loaded:
            log.info("loading diffusion model %s on %s", source, device())
            pipe = _from_pretrained(source).to(device())
            pipe.set_progress_bar_config(disable=True)
            optimize(pipe)
            _loaded[key] = pipe
        return _loaded[key]


def pipeline_for(source: str, *, mode: str, scheduler: str) -> Any:
    """A pipeline for one call: shares the warm components, owns its scheduler."""
    import diffusers

    base = base_pipeline(source)
    name, extra = SCHEDULERS[scheduler]
    fresh = getattr(diffusers, name).from_config(base.scheduler.config, **extra)
    cls = (
        diffusers.StableDiffusionXLInpaintPipeline
        if mode == "preserve-face"
        else diffusers.StableDiffusionXLImg2ImgPipeline
    )
    pipe = cls.from_pipe(base, scheduler=fresh)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def loaded_sources() -> list[str]:
    return sorted({key[0] for key in _loaded})


def unload_all() -> None:
    with _lock:
        _loaded.clear()
