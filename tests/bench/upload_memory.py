"""`make bench`: peak memory of one 49 MP upload, the goal ≤ 300 MB.

Each variant runs in a fresh process. ``web`` is what the upload request does now: decode at the
stored size (SELFIE_STORED_LONG_SIDE, JPEG draft mode) and re-encode; the checklist is not run
there. ``worker_check`` is the checklist the worker then runs on the stored photo, with its
models loaded and warmed first. ``bounded`` and ``full_decode`` are the old in-request path
(decode, checklist, re-encode) with and without the bounded decode, for comparison.
``peak_mb`` is the process's peak RSS; ``upload_mb`` is how far the measured step raised it.
Writes tests/bench/results/upload_memory.json.
"""

from __future__ import annotations

import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 8576, 5720  # 49 MP, a 4:3-ish sensor such as a 50 MP phone's full resolution
GOAL_MB = 300


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _photo() -> bytes:
    from PIL import Image
    from skimage import data

    big = Image.fromarray(data.astronaut()).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def child(mode: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from PIL import Image, ImageOps

    from generation.imaging.io import decode_upload, encode_jpeg, open_rgb

    data = Path(path).read_bytes()
    if mode == "web":  # the request: no models are loaded in the web process for an upload
        before = _peak_mb()
        start = time.perf_counter()
        image = decode_upload(data, min_long_side=settings.SELFIE_STORED_LONG_SIDE).image
        encode_jpeg(image, optimize=False)
        _report(before, start, image, checks=0)
        return
    from generation.imaging.checks import analyse_selfie
    from tests.factories import astronaut_png

    analyse_selfie(decode_upload(astronaut_png()).image)  # load and warm the models
    if mode == "worker_check":  # the worker's checklist on the photo the upload stored
        stored = encode_jpeg(decode_upload(data, min_long_side=settings.SELFIE_STORED_LONG_SIDE).image)
        before = _peak_mb()
        start = time.perf_counter()
        image = open_rgb(stored)
        _report(before, start, image, checks=len(analyse_selfie(image).checks))
        return
    before = _peak_mb()
    start = time.perf_counter()
    if mode == "bounded":
        image = decode_upload(data).image
    else:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    analysis = analyse_selfie(image)
    encode_jpeg(image)
    _report(before, start, image, checks=len(analysis.checks))


def _report(before: float, start: float, image: Any, *, checks: int) -> None:
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "peak_mb": round(_peak_mb(), 1),
                "upload_mb": round(_peak_mb() - before, 1),
                "seconds": round(seconds, 2),
                "decoded_size": list(image.size),
                "checks": checks,
            }
        )
    )


def main() -> None:
    photo = ROOT / "var" / "bench-49mp.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    if not photo.exists():
        photo.write_bytes(_photo())
    results = {}
    for mode in ("web", "worker_check", "bounded", "full_decode"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(photo)], capture_output=True, text=True, check=True
        )
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    result = {
        "what": "one 49 MP JPEG upload (web: decode, re-encode; worker_check: the checklist); peak RSS per process",
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
        "megapixels": round(WIDTH * HEIGHT / 1e6, 1),
        "file_mb": round(photo.stat().st_size / 1e6, 1),
        **results,
        "upload_memory_ratio": round(results["bounded"]["upload_mb"] / max(results["full_decode"]["upload_mb"], 1), 2),
        "goal_peak_mb": GOAL_MB,
        "goal_met": results["web"]["peak_mb"] <= GOAL_MB,  # the upload request; the worker holds its models
    }
    out_path = ROOT / "tests" / "bench" / "results" / "upload_memory.json"
    out_path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
