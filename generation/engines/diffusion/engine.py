"""The diffusion engine: SDXL over the studio engine's framed photo.

``preserve-face`` (default) inpaints only what the style repaints, around a
mask that protects face and hair, then puts the person's own face pixels
back. ``generate`` runs img2img over the whole framed photo (or an identity
adapter's pipeline). The N variants of a job are one batched call; each
variant's seed comes from (member, style version, variant, attempt).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PIL import Image

from ...imaging.disclosure import TRAINED_COMPOSITE
from ...imaging.faces import Face, find_face
from ..base import ProgressCallback, RenderedVariant, RenderError, RenderInput, StyleSpec
from ..studio import Composed, compose
from . import masks
from .options import DiffusionOptions, options_for
from .pipeline import pipeline_for
from .seeds import variant_seed


def _generators(request: RenderInput, variants: Sequence[int], attempt: int) -> tuple[list[int], list[Any]]:
    import torch

    # CPU generators: the same seed gives the same noise on any device.
    seeds = [variant_seed(request.seed_key, i, attempt) for i in variants]
    return seeds, [torch.Generator("cpu").manual_seed(s) for s in seeds]


def _step_callback(progress: ProgressCallback | None) -> Callable[..., dict[str, Any]]:
    def on_step_end(pipe: Any, step: int, _timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        if progress:
            progress(step + 1, pipe.num_timesteps)
        return kwargs

    return on_step_end


class DiffusionEngine:
    name = "diffusion"

    def render(
        self,
        request: RenderInput,
        variants: Sequence[int],
        *,
        attempt: int = 0,
        progress: ProgressCallback | None = None,
    ) -> list[RenderedVariant]:
        if not request.photos:
            raise RenderError("no usable selfies to render from")
        variants = list(variants)
        opts = options_for(request.style)
        if opts.adapter:
            raise RenderError(f"identity adapter {opts.adapter!r} is not installed on this worker")
        composed = self._compose(request, variants)
        seeds, generators = _generators(request, variants, attempt)
        regions = [self._region(c, opts) for c in composed]
        images = self._run(opts, request, composed, regions, generators, progress)
        return [
            RenderedVariant(
                index=i,
                image=image,
                # A real face kept, everything around it made by a trained model.
                meta={"seed": seed, "mode": opts.mode, "attempt": attempt, "digital_source_type": TRAINED_COMPOSITE},
            )
            for i, image, seed in zip(variants, images, seeds, strict=True)
        ]

    def _compose(self, request: RenderInput, variants: Sequence[int]) -> list[Composed]:
        """The studio framing of each variant; each photo's face is found once."""
        faces: dict[int, Face | None] = {}
        composed = []
        for i in variants:
            which = i % len(request.photos)
            if which not in faces:
                faces[which] = find_face(request.photos[which])
            composed.append(compose(request.photos[which], request.style, i, face=faces[which]))
        return composed

    def _region(self, composed: Composed, opts: DiffusionOptions) -> np.ndarray | None:
        if opts.mode == "preserve-face":
            return masks.repaint_region(composed.person_alpha, composed.face_mask, opts.repaint)
        return None

    def _inputs(
        self, opts: DiffusionOptions, style: StyleSpec, composed: list[Composed], regions: list[np.ndarray | None]
    ) -> dict[str, Any]:
        """The batched call's images (and masks) at the generation size."""
        width, height = opts.size_for(style)
        inputs: dict[str, Any] = {"image": [c.image.resize((width, height), Image.LANCZOS) for c in composed]}
        if opts.mode == "preserve-face":
            masks_ = [masks.mask_image(r).resize((width, height), Image.BILINEAR) for r in regions if r is not None]
            inputs.update(mask_image=masks_, width=width, height=height)
        return inputs

    def _run(
        self,
        opts: DiffusionOptions,
        request: RenderInput,
        composed: list[Composed],
        regions: list[np.ndarray | None],
        generators: list[Any],
        progress: ProgressCallback | None,
    ) -> list[Image.Image]:
        n = len(composed)
        pipe = pipeline_for(opts.model_source(), mode=opts.mode, scheduler=opts.scheduler)
        result = pipe(
            prompt=[opts.prompt_for(request.style)] * n,
            negative_prompt=[opts.negative_prompt] * n,
            num_inference_steps=opts.steps,
            guidance_scale=opts.guidance,
            strength=opts.strength,
            generator=generators,
            callback_on_step_end=_step_callback(progress),
            **self._inputs(opts, request.style, composed, regions),
        )
        # Back to each variant's own size (a style may mix 1:1 and 4:5 variants).
        outputs = [
            image.convert("RGB").resize(c.image.size, Image.LANCZOS)
            for image, c in zip(result.images, composed, strict=True)
        ]
        if opts.mode != "preserve-face":
            return outputs
        # The person's own face and hair go back in, exactly.
        return [
            o if r is None else masks.restore(o, c.image, r) for o, c, r in zip(outputs, composed, regions, strict=True)
        ]
