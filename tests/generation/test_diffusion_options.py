"""What a brand style may ask of the diffusion engine, checked without torch."""

from __future__ import annotations

import pytest

from generation.engines import RenderError, StyleSpec
from generation.engines.diffusion.adapters import ADAPTERS, DEFAULT_ADAPTER, adapter_for
from generation.engines.diffusion.options import DEFAULT_PROMPT, options_for


def style(**options) -> StyleSpec:
    return StyleSpec(
        style_id="s",
        version=3,
        engine="diffusion",
        attire="a navy blazer",
        output_width=1024,
        output_height=1280,
        options=options,
    )


def test_an_empty_style_gets_preserve_face_with_the_default_model(settings):
    opts = options_for(style())
    assert opts.mode == "preserve-face" and opts.adapter == ""
    assert opts.model == settings.DIFFUSION_DEFAULT_MODEL
    assert opts.prompt == DEFAULT_PROMPT and opts.repaint == ("attire", "backdrop")


def test_the_prompt_template_takes_the_styles_attire():
    assert "a navy blazer" in options_for(style(prompt="headshot, {attire}, rim light")).prompt_for(style())


def test_generation_keeps_the_output_aspect_ratio_in_multiples_of_eight():
    assert options_for(style(resolution=1024)).size_for(style()) == (816, 1024)


def test_a_relative_model_is_looked_up_under_the_models_dir(settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    (tmp_path / "sdxl-inpainting").mkdir()
    assert options_for(style(model="sdxl-inpainting")).model_source() == str(tmp_path / "sdxl-inpainting")
    assert options_for(style(model="org/hub-id")).model_source() == "org/hub-id"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "dream"}, "options.mode"),
        ({"steps": 0}, "options.steps"),
        ({"steps": "many"}, "options.steps must be a number"),
        ({"guidance": 99}, "options.guidance"),
        ({"strength": 0}, "options.strength"),
        ({"resolution": 4096}, "options.resolution"),
        ({"scheduler": "magic"}, "options.scheduler"),
        ({"repaint": ["face"]}, "options.repaint"),
        ({"adapter": "photomaker-v1"}, "needs mode 'generate'"),
        ({"mode": "generate", "adapter": "faceswap"}, "unknown identity adapter"),
    ],
)
def test_bad_options_are_rejected_naming_the_field(options, message):
    with pytest.raises(RenderError, match=message):
        options_for(style(**options))


def test_the_default_adapter_is_licence_clean_for_commercial_use():
    adapter = adapter_for(DEFAULT_ADAPTER)
    assert adapter.name == "photomaker-v1" and adapter.licence == "Apache-2.0" and adapter.commercial_use
    assert options_for(style(mode="generate", adapter="photomaker-v1")).adapter == "photomaker-v1"


@pytest.mark.parametrize("name", ["instantid", "pulid", "ip-adapter-faceid", "photomaker-v2"])
def test_antelopev2_adapters_need_the_non_commercial_opt_in(name, settings):
    assert ADAPTERS[name].face_model == "antelopev2" and not ADAPTERS[name].commercial_use
    settings.DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS = False
    with pytest.raises(RenderError, match="non-commercial"):
        options_for(style(mode="generate", adapter=name))
    settings.DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS = True
    assert options_for(style(mode="generate", adapter=name)).adapter == name


def test_a_style_naming_an_adapter_this_worker_lacks_fails_the_render_clearly():
    from PIL import Image

    from generation.engines import RenderInput, get_engine

    request = RenderInput(
        photos=[Image.new("RGB", (64, 64))],
        seed_key="k",
        style=style(mode="generate", adapter="photomaker-v1"),
    )
    with pytest.raises(RenderError, match="not installed on this worker"):
        get_engine("diffusion").render(request, [0])
