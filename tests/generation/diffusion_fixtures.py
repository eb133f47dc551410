"""A tiny SDXL-shaped pipeline with random weights, built from configs.

Same architecture family as SDXL (UNet with text-time conditioning, a KL
VAE, CLIPTextModel + CLIPTextModelWithProjection, two CLIP tokenizers), but
small enough to run 2 steps at 64-128 px on a CPU in a second or two. It is
saved with ``save_pretrained`` into a folder, and the engine loads it back
through the same ``from_pretrained`` code it uses for real weights: nothing
here touches a hub.
"""

from __future__ import annotations

from pathlib import Path

_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789,.-"


def _tokenizer():
    """A CLIP BPE tokenizer over a tiny vocab/merges written here (positional file
    arguments work with transformers 4.x and 5.x alike)."""
    import json
    import tempfile

    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for char in _CHARS:
        vocab[char] = len(vocab)
        vocab[f"{char}</w>"] = len(vocab)
    merges = [("s", "u"), ("i", "t</w>"), ("n", "a"), ("h", "e")]
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    with tempfile.TemporaryDirectory() as folder:
        vocab_file, merges_file = Path(folder) / "vocab.json", Path(folder) / "merges.txt"
        vocab_file.write_text(json.dumps(vocab))
        merges_file.write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
        return CLIPTokenizer(str(vocab_file), str(merges_file), model_max_length=77)


def _text_config():
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
        vocab_size=128,
        hidden_size=32,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        projection_dim=32,
        hidden_act="gelu",
        layer_norm_eps=1e-5,
    )


def _unet(in_channels: int):
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=in_channels,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=80,  # 6*8 + 32
        cross_attention_dim=64,
        norm_num_groups=16,
    )


def _vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        block_out_channels=(16, 32),
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2,
        norm_num_groups=16,
        sample_size=128,
    )


def build_tiny_sdxl(folder: Path, *, inpainting_unet: bool = False, seed: int = 0) -> Path:
    """Write a tiny SDXL inpainting pipeline to ``folder`` and return it.

    ``inpainting_unet`` gives the UNet the 9 input channels of the SDXL
    inpainting checkpoints (latents + mask + masked image).
    """
    import torch
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLInpaintPipeline
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(seed)
    pipe = StableDiffusionXLInpaintPipeline(
        vae=_vae(),
        text_encoder=CLIPTextModel(_text_config()),
        text_encoder_2=CLIPTextModelWithProjection(_text_config()),
        tokenizer=_tokenizer(),
        tokenizer_2=_tokenizer(),
        unet=_unet(9 if inpainting_unet else 4),
        scheduler=EulerDiscreteScheduler(
            beta_start=0.00085,
            beta_end=0.012,
            beta_schedule="scaled_linear",
            timestep_spacing="leading",
            steps_offset=1,
        ),
        requires_aesthetics_score=False,
        force_zeros_for_empty_prompt=True,
    )
    pipe.save_pretrained(folder)
    return Path(folder)


def tiny_style(model: Path | str, **options):
    """A diffusion StyleSpec for tests: 128 px out, 64 px generation, 2 steps."""
    from generation.engines import StyleSpec

    opts = tiny_options(model, **options)
    return StyleSpec(
        style_id="tiny",
        version=1,
        engine="diffusion",
        output_width=128,
        output_height=128,
        variant_count=3,
        options=opts,
    )


# Style options for BrandStyle rows (outputs must be at least 256 px there).
def tiny_options(model: Path | str, **options) -> dict:
    return {
        "model": str(model),
        "steps": 2,
        "resolution": 64,
        "strength": 1.0,
        "guidance": 2.0,
        "prompt": "headshot, {attire}",
        "negative_prompt": "blurry",
    } | options


def _fixture():
    import pytest

    @pytest.fixture(scope="session")
    def tiny_sdxl(tmp_path_factory) -> Path:
        """The tiny pipeline's folder, built once per test session."""
        pytest.importorskip("diffusers")
        return build_tiny_sdxl(tmp_path_factory.mktemp("tiny-sdxl"))

    return tiny_sdxl


tiny_sdxl = _fixture()
