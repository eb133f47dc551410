"""`make bench-gpu` needs CUDA; its --smoke mode checks the script on a CPU."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_gpu_benchmark_runs_in_smoke_mode_and_writes_its_report(tmp_path):
    pytest.importorskip("diffusers")
    spec = importlib.util.spec_from_file_location("bench_gpu", ROOT / "tests/bench/gpu.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    report = bench.main(["--smoke", "--out", str(tmp_path / "gpu.json")])

    assert json.loads((tmp_path / "gpu.json").read_text()) == report
    assert {(r["variant"], r["batch"]) for r in report["rows"]} == {
        ("plain", 1),
        ("plain", 2),
        ("engine", 1),
        ("engine", 2),
    }
    assert all(r["seconds_per_image"] > 0 and r["speedup_vs_plain"] > 0 for r in report["rows"])
    assert set(report["goals"]) >= {"speedup_goal_1_5x", "half_second_goal_8_steps"}


def test_the_full_size_model_is_sdxl_shaped():
    spec = importlib.util.spec_from_file_location("bench_gpu", ROOT / "tests/bench/gpu.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    # 6 time ids x 256 + the 1280-d pooled text embedding of CLIP bigG
    assert bench.SDXL_UNET["projection_class_embeddings_input_dim"] == 6 * 256 + bench.CLIP_BIG_G["projection_dim"]
    assert bench.SDXL_UNET["cross_attention_dim"] == bench.CLIP_L["hidden_size"] + bench.CLIP_BIG_G["hidden_size"]
