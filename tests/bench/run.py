"""`make bench`: the studio engine's speed and memory, as ratios to baselines run in the same process.

Writes tests/bench/results/studio.json. Runs on one core (thread pools pinned to 1)
so the figures compare with the goal "≤ 1 s per 12 MP selfie on one core". The render and its
floor run in alternating rounds and the ratio is the median of the rounds' ratios: run one after
the other, a change in the machine's speed between the two blocks moved the ratio by ±10%.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from generation.engines.base import StyleSpec  # noqa: E402
from generation.engines.studio import compose  # noqa: E402
from generation.imaging.disclosure import disclose_jpeg  # noqa: E402
from generation.imaging.faces import face_descriptor, find_face  # noqa: E402
from generation.imaging.io import decode_upload, encode_jpeg, open_rgb  # noqa: E402
from generation.services.jobs import RENDER_LONG_SIDE  # noqa: E402

STYLE = StyleSpec(style_id="bench", version=1, engine="studio")
REPEATS = 5
ROUNDS = 9  # interleaved floor/render rounds: a drift in the machine's speed touches both alike
FACES = Path(os.environ.get("HEADSHOT_TEST_FACES", ROOT.parent / "shared" / "faces"))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _median_s(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _interleaved(baselines: dict, measured) -> tuple[dict[str, float], float, list[float]]:
    """Each baseline and then ``measured``, round after round; the median time of each, and the
    median and spread of the per-round ratios of ``measured`` to the first baseline."""
    times: dict[str, list[float]] = {name: [] for name in [*baselines, "measured"]}
    for _ in range(ROUNDS):
        for name, fn in [*baselines.items(), ("measured", measured)]:
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    first = next(iter(baselines))
    ratios = sorted(m / b for m, b in zip(times["measured"], times[first], strict=True))
    return {name: statistics.median(t) for name, t in times.items()}, statistics.median(ratios), ratios


def _portraits() -> list[Image.Image]:
    paths = sorted(
        p for p in FACES.glob("*/*") if p.parent.name not in {"groups", "partial"} and p.suffix in {".jpg", ".png"}
    )
    if paths:
        return [decode_upload(p.read_bytes()).image for p in paths]
    from skimage import data

    return [Image.fromarray(data.astronaut())]


def _twelve_megapixel_jpeg(portrait: Image.Image) -> bytes:
    """A 3000x4000 JPEG (12 MP, as a phone takes) made from a real portrait."""
    big = portrait.resize((3000, 4000), Image.LANCZOS)
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def bench_render(data: bytes) -> dict:
    size = (STYLE.output_width, STYLE.output_height)

    def floor():  # what any photo service must do: a full decode, a resize, an encode
        encode_jpeg(Image.open(io.BytesIO(data)).convert("RGB").resize(size, Image.BILINEAR, reducing_gap=2.0))

    def floor_draft():  # the same with libjpeg's reduced-scale decode, as the render uses
        encode_jpeg(open_rgb(data, min_long_side=RENDER_LONG_SIDE).resize(size, Image.BILINEAR, reducing_gap=2.0))

    def render():  # what a job does per variant: open the stored selfie, compose, encode
        encode_jpeg(compose(open_rgb(data, min_long_side=RENDER_LONG_SIDE), STYLE, 0).image)

    photo = open_rgb(data, min_long_side=RENDER_LONG_SIDE)
    composed = compose(photo, STYLE, 0)  # warm-up: model load, numba compile
    medians, ratio, ratios = _interleaved({"floor": floor, "floor_draft": floor_draft}, render)
    floor_s, floor_draft_s, render_s = medians["floor"], medians["floor_draft"], medians["measured"]
    face = find_face(photo)
    return {
        "input": "3000x4000 JPEG q92",
        "floor_decode_resize_encode_s": round(floor_s, 4),
        "floor_with_draft_decode_s": round(floor_draft_s, 4),
        "render_s": round(render_s, 4),
        "render_over_floor": round(ratio, 2),
        "render_over_floor_rounds": {"rounds": ROUNDS, "min": round(ratios[0], 2), "max": round(ratios[-1], 2)},
        "render_over_draft_floor": round(render_s / floor_draft_s, 2),
        "goal": "render_over_floor <= 3 and render_s <= 1.0 on one core",
        "parts_s": {
            "open_rgb_draft": round(_median_s(lambda: open_rgb(data, min_long_side=RENDER_LONG_SIDE)), 4),
            "full_decode_upload": round(_median_s(lambda: decode_upload(data)), 4),
            "find_face": round(_median_s(lambda: find_face(photo)), 4),
            "compose_given_face": round(_median_s(lambda: compose(photo, STYLE, 0, face=face)), 4),
            "encode_jpeg": round(_median_s(lambda: encode_jpeg(composed.image)), 4),
            "disclose_jpeg_c2pa": round(_median_s(lambda: disclose_jpeg(composed.image)), 4),
        },
    }


def bench_identity(portraits: list[Image.Image]) -> dict:
    """Detect + landmarks + descriptor on each portrait at 800 px on its long side."""
    small = []
    for image in portraits:
        scale = 800 / max(image.size)
        small.append(image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR))

    def identity(image):
        face = find_face(image)
        if face is not None:
            face_descriptor(image, face)

    identity(small[0])
    per_image = [_median_s(lambda im=im: identity(im), 3) * 1000 for im in small]
    return {
        "images": len(small),
        "median_ms": round(statistics.median(per_image), 1),
        "max_ms": round(max(per_image), 1),
        "goal": "median_ms <= 150",
    }


def main() -> None:
    portraits = _portraits()
    rss_start = _peak_rss_mb()
    data = _twelve_megapixel_jpeg(portraits[0])
    render = bench_render(data)
    rss_render = _peak_rss_mb()
    identity = bench_identity(portraits)
    result = {
        "bench": "studio",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cores_visible": os.cpu_count(),
            "threads_pinned": 1,
        },
        "render_12mp": render,
        "peak_rss_mb": {
            "after_imports_and_models": round(rss_start, 1),
            "after_render": round(rss_render, 1),
        },
        "identity_800px": identity,
    }
    out = ROOT / "tests" / "bench" / "results" / "studio.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
