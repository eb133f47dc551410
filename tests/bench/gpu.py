"""GPU benchmark: the SDXL architecture at full size, random weights, on CUDA.

    make bench-gpu                      # full run on CUDA, JSON to tests/bench/results/gpu.json
    python tests/bench/gpu.py --smoke   # tiny pipeline on CPU, to check the script itself

The images are noise, but the timings are real: the same UNet, VAE and
text encoders as SDXL (inpainting variant, 9 input channels), built from
configs on the GPU, so nothing is downloaded. For batch 1, 4 and 8 at 4, 8
and 30 steps it measures

  * plain      - a plain diffusers pipeline call: fp16, default settings, one call per image
                 (the VAE upcasts to fp32 as the SDXL config asks);
  * engine     - what the diffusion engine runs: bf16, SDPA with fused QKV, channels_last,
                 bf16 VAE, the N variants as one batched call;
  * compiled   - engine + torch.compile of the UNet (the DIFFUSION_COMPILE setting).

and reports seconds per image, images per second, the speed-up over plain
(same batch and steps, so a ratio within one process) and peak GPU memory.
Goals (issue 4): >= 1.5x plain, and <= 0.5 s per image at 8 steps batched on an H100.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SDXL_UNET = dict(
    sample_size=128,
    in_channels=9,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=(320, 640, 1280),
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    transformer_layers_per_block=(1, 2, 10),
    attention_head_dim=(5, 10, 20),
    cross_attention_dim=2048,
    use_linear_projection=True,
    addition_embed_type="text_time",
    addition_time_embed_dim=256,
    projection_class_embeddings_input_dim=2816,
)
SDXL_VAE = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    block_out_channels=(128, 256, 512, 512),
    layers_per_block=2,
    down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4,
    sample_size=1024,
    scaling_factor=0.13025,
    force_upcast=True,
)
CLIP_L = dict(
    hidden_size=768,
    intermediate_size=3072,
    num_attention_heads=12,
    num_hidden_layers=12,
    projection_dim=768,
    hidden_act="quick_gelu",
)
CLIP_BIG_G = dict(
    hidden_size=1280,
    intermediate_size=5120,
    num_attention_heads=20,
    num_hidden_layers=32,
    projection_dim=1280,
    hidden_act="gelu",
)


def build_full(device: str):
    """SDXL-sized components with random weights, created directly on ``device``."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionXLInpaintPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from tests.generation.diffusion_fixtures import _tokenizer

    def text(cfg):
        return CLIPTextConfig(
            vocab_size=49408,
            max_position_embeddings=77,
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            **cfg,
        )

    torch.manual_seed(0)
    with torch.device(device):
        pipe = StableDiffusionXLInpaintPipeline(
            vae=AutoencoderKL(**SDXL_VAE),
            unet=UNet2DConditionModel(**SDXL_UNET),
            text_encoder=CLIPTextModel(text(CLIP_L)),
            text_encoder_2=CLIPTextModelWithProjection(text(CLIP_BIG_G)),
            tokenizer=_tokenizer(),
            tokenizer_2=_tokenizer(),
            scheduler=EulerDiscreteScheduler(
                beta_start=0.00085,
                beta_end=0.012,
                beta_schedule="scaled_linear",
                timestep_spacing="leading",
                steps_offset=1,
            ),
            requires_aesthetics_score=False,
        )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def build_tiny(device: str):
    import tempfile

    from diffusers import StableDiffusionXLInpaintPipeline

    from tests.generation.diffusion_fixtures import build_tiny_sdxl

    folder = build_tiny_sdxl(Path(tempfile.mkdtemp(prefix="bench-tiny-")), inpainting_unet=True)
    pipe = StableDiffusionXLInpaintPipeline.from_pretrained(folder).to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def call(pipe, *, batch: int, steps: int, size: int, per_image: bool):
    """One job's worth of images: one batched call, or one call per image (plain)."""
    import torch
    from PIL import Image

    image, mask = Image.new("RGB", (size, size), (200, 205, 210)), Image.new("L", (size, size), 255)
    calls = [1] * batch if per_image else [batch]
    for n in calls:
        pipe(
            prompt=["professional headshot, navy suit"] * n,
            image=[image] * n,
            mask_image=[mask] * n,
            width=size,
            height=size,
            num_inference_steps=steps,
            strength=1.0,
            guidance_scale=5.0,
            generator=[torch.Generator("cpu").manual_seed(i) for i in range(n)],
            output_type="pil",
        )


def measure(pipe, *, batch, steps, size, per_image, repeats, device) -> dict:
    import torch

    cuda = device.startswith("cuda")
    call(pipe, batch=batch, steps=steps, size=size, per_image=per_image)  # warm-up (and compile)
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(repeats):
        call(pipe, batch=batch, steps=steps, size=size, per_image=per_image)
    if cuda:
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / repeats
    return {
        "batch": batch,
        "steps": steps,
        "seconds_per_call": round(seconds, 4),
        "seconds_per_image": round(seconds / batch, 4),
        "images_per_second": round(batch / seconds, 3),
        "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
    }


def run_variant(name, pipe, grid, *, size, device, per_image) -> list[dict]:
    rows = []
    for steps, batch in grid:
        row = measure(
            pipe,
            batch=batch,
            steps=steps,
            size=size,
            per_image=per_image,
            repeats=1 if steps >= 30 else 2,
            device=device,
        )
        rows.append({"variant": name, **row})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def speedups(rows: list[dict]) -> None:
    plain = {(r["batch"], r["steps"]): r["seconds_per_image"] for r in rows if r["variant"] == "plain"}
    for r in rows:
        base = plain.get((r["batch"], r["steps"]))
        r["speedup_vs_plain"] = round(base / r["seconds_per_image"], 2) if base else None


def goals(rows: list[dict]) -> dict:
    ours = [r for r in rows if r["variant"] != "plain"]
    best_8 = min((r["seconds_per_image"] for r in ours if r["steps"] == 8 and r["batch"] > 1), default=None)
    best_speedup = max((r["speedup_vs_plain"] or 0 for r in ours), default=0)
    return {
        "speedup_vs_plain_best": best_speedup,
        "speedup_goal_1_5x": best_speedup >= 1.5,
        "seconds_per_image_8_steps_batched_best": best_8,
        "half_second_goal_8_steps": best_8 is not None and best_8 <= 0.5,
    }


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny pipeline on CPU: checks the script, not the GPU")
    parser.add_argument("--out", type=Path, default=ROOT / "tests/bench/results/gpu.json")
    parser.add_argument("--variants", default="plain,engine,compiled")
    parser.add_argument("--batches", default="1,4,8")
    parser.add_argument("--steps", default="4,8,30")
    args = parser.parse_args(argv)
    if args.smoke:  # compile needs a GPU run to mean anything
        args.variants, args.batches, args.steps = "plain,engine", "1,2", "2"
    return args


def bench(args, device: str) -> list[dict]:
    import torch

    from generation.engines.diffusion.pipeline import apply_speedups

    variants = args.variants.split(",")
    size = 64 if args.smoke else 1024
    grid = [(int(s), int(b)) for s in args.steps.split(",") for b in args.batches.split(",")]
    pipe = build_tiny(device) if args.smoke else build_full(device)
    rows: list[dict] = []
    if "plain" in variants:
        pipe.to(dtype=torch.float32 if args.smoke else torch.float16)
        rows += run_variant("plain", pipe, grid, size=size, device=device, per_image=True)
    ours = torch.float32 if args.smoke else torch.bfloat16
    pipe.to(dtype=ours)
    apply_speedups(pipe, channels_last=not args.smoke, bf16_vae=ours == torch.bfloat16)
    if "engine" in variants:
        rows += run_variant("engine", pipe, grid, size=size, device=device, per_image=False)
    if "compiled" in variants:
        pipe.unet = torch.compile(pipe.unet, fullgraph=True)
        rows += run_variant("compiled", pipe, grid, size=size, device=device, per_image=False)
    return rows


def main(argv=None) -> dict:
    import torch

    args = parse(argv)
    device = "cpu" if args.smoke else "cuda"
    if not args.smoke and not torch.cuda.is_available():
        raise SystemExit("make bench-gpu needs CUDA; use --smoke to check the script on a CPU")
    size = 64 if args.smoke else 1024
    rows = bench(args, device)
    speedups(rows)
    report = {
        "benchmark": "sdxl-inpainting random weights" if not args.smoke else "tiny smoke (CPU)",
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
        "torch": torch.__version__,
        "diffusers": __import__("diffusers").__version__,
        "size": size,
        "note": "smoke mode checks the script; its timings mean nothing" if args.smoke else "",
        "rows": rows,
        "goals": goals(rows),
        "peak_gpu_memory_gib": max((r["peak_gpu_memory_gib"] or 0 for r in rows), default=0) or None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report["goals"]))
    return report


if __name__ == "__main__":
    main()
