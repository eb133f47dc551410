"""The diffusion engine on a tiny SDXL-shaped pipeline: 2 steps, 64 px, CPU."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from generation.engines import RenderError, RenderInput, get_engine
from generation.engines.diffusion.seeds import variant_seed
from generation.engines.studio import compose
from tests import factories
from tests.generation import diffusion_fixtures
from tests.generation.diffusion_fixtures import build_tiny_sdxl, tiny_style

tiny_sdxl = diffusion_fixtures.tiny_sdxl  # the session fixture


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return Image.open(io.BytesIO(factories.astronaut_png())).convert("RGB")


def render(style, photo, variants=(0, 1, 2), *, seed_key="member-a:v1", **kwargs):
    request = RenderInput(photos=[photo], style=style, seed_key=seed_key)
    return get_engine("diffusion").render(request, variants, **kwargs)


def pixels(variant) -> np.ndarray:
    return np.asarray(variant.image)


def test_the_variants_of_a_job_come_from_one_batched_call(tiny_sdxl, photo):
    steps = []
    out = render(tiny_style(tiny_sdxl), photo, progress=lambda k, n: steps.append((k, n)))
    assert [v.index for v in out] == [0, 1, 2]
    assert all(v.image.size == (128, 128) and v.image.mode == "RGB" for v in out)
    # One call: the progress callback counts the denoising steps once, not once per variant.
    assert steps == [(1, 2), (2, 2)]


def test_the_same_style_version_renders_the_same_pixels(tiny_sdxl, photo):
    first = render(tiny_style(tiny_sdxl), photo)
    again = render(tiny_style(tiny_sdxl), photo)
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(pixels(a), pixels(b))
        assert a.meta["seed"] == b.meta["seed"]


def test_a_variant_renders_the_same_alone_or_in_a_batch(tiny_sdxl, photo):
    batch = render(tiny_style(tiny_sdxl), photo, variants=(0, 2))
    alone = render(tiny_style(tiny_sdxl), photo, variants=(2,))
    assert np.abs(pixels(batch[1]).astype(int) - pixels(alone[0])).max() <= 2


def test_another_variant_member_or_attempt_gets_other_pixels(tiny_sdxl, photo):
    style = tiny_style(tiny_sdxl)
    base = render(style, photo, variants=(0, 2))
    retry = render(style, photo, variants=(0,), attempt=1)
    other_member = render(style, photo, variants=(0,), seed_key="member-b:v1")
    assert not np.array_equal(pixels(base[0]), pixels(base[1]))
    assert not np.array_equal(pixels(base[0]), pixels(retry[0]))
    assert not np.array_equal(pixels(base[0]), pixels(other_member[0]))
    assert len({base[0].meta["seed"], retry[0].meta["seed"], other_member[0].meta["seed"]}) == 3


def test_seeds_derive_from_member_style_version_variant_and_attempt():
    assert variant_seed("k", 0) == variant_seed("k", 0, 0)
    seeds = {
        variant_seed("k", 0),
        variant_seed("k", 1),
        variant_seed("k", 0, 1),
        variant_seed("j", 0),
    }
    assert len(seeds) == 4 and all(0 <= s < 2**63 for s in seeds)


def test_preserve_face_leaves_the_face_and_hair_pixels_untouched(tiny_sdxl, photo):
    style = tiny_style(tiny_sdxl)
    for variant in render(style, photo):
        composed = compose(photo, style, variant.index)
        face = composed.face_mask
        assert 0.05 < face.mean() < 0.9
        assert np.array_equal(pixels(variant)[face], np.asarray(composed.image)[face])
        # ...and the rest was repainted.
        assert np.abs(pixels(variant)[~face].astype(int) - np.asarray(composed.image)[~face]).mean() > 5


def test_a_nine_channel_inpainting_unet_works_too(tmp_path, photo):
    model = build_tiny_sdxl(tmp_path / "inpaint9", inpainting_unet=True)
    out = render(tiny_style(model), photo, variants=(0,))
    composed = compose(photo, tiny_style(model), 0)
    assert np.array_equal(pixels(out[0])[composed.face_mask], np.asarray(composed.image)[composed.face_mask])


def test_generate_mode_runs_img2img_over_the_whole_photo(tiny_sdxl, photo):
    style = tiny_style(tiny_sdxl, mode="generate", strength=0.6, scheduler="dpmpp_2m", steps=4)
    steps = []
    out = render(style, photo, variants=(0, 1), progress=lambda k, n: steps.append((k, n)))
    assert len(out) == 2 and out[0].meta["mode"] == "generate"
    assert steps[-1] == (2, 2)  # strength 0.6 of 4 steps
    face = compose(photo, style, 0).face_mask
    assert not np.array_equal(pixels(out[0])[face], np.asarray(compose(photo, style, 0).image)[face])


def test_a_photo_without_a_face_is_a_render_error(tiny_sdxl):
    with pytest.raises(RenderError, match="no face"):
        render(tiny_style(tiny_sdxl), Image.new("RGB", (256, 256), "gray"))


def test_no_photos_is_a_render_error(tiny_sdxl):
    request = RenderInput(photos=[], style=tiny_style(tiny_sdxl), seed_key="k")
    with pytest.raises(RenderError, match="no usable selfies"):
        get_engine("diffusion").render(request, [0])


def test_a_missing_model_is_a_render_error_and_never_a_download(photo, settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    with pytest.raises(RenderError, match="hub downloads are off"):
        render(tiny_style("nobody/no-such-sdxl-model"), photo, variants=(0,))
