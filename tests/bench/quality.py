"""`make bench-quality`: the checklist and the studio renders over every real portrait we have.

Reads ../shared/faces and ../shared/faces-dev (HEADSHOT_TEST_FACES / HEADSHOT_TEST_FACES_DEV
override them; a missing folder is skipped and named in the JSON). Writes
tests/bench/results/quality.json and, under tests/bench/results/quality/, one contact sheet per
backdrop (light, mid grey, dark navy) plus a sheet of hair edges at 100% on dark navy, so anyone
can look. Runs on one core, like `make bench`.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Judge the photos as production does, not with the demo's allowance for its 512 px sample.
os.environ.setdefault("HEADSHOT_MIN_EYE_PX", "80")
os.environ.setdefault("HEADSHOT_MAX_UPSCALE", "1.5")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image, ImageColor, ImageDraw  # noqa: E402

from generation.engines.base import StyleSpec  # noqa: E402
from generation.engines.framing import DEFAULT_VARIANTS, ZOOM_SLACK, frame_needs  # noqa: E402
from generation.engines.studio import Composed, compose  # noqa: E402
from generation.imaging.checks import analyse_selfie, eye_distance  # noqa: E402
from generation.imaging.colour import delta_e, skin_lab  # noqa: E402
from generation.imaging.cutout import BOTTOM_FADE  # noqa: E402
from generation.imaging.defects import VISIBLE_SEAM_PX, crown_margin, photo_edge_px, straight_cut_px, stray_share  # noqa: E402
from generation.imaging.faces import detect_faces, face_descriptor, find_face  # noqa: E402
from generation.imaging.io import decode_upload  # noqa: E402

SHARED = ROOT.parent / "shared"
FOLDERS = {
    "faces": Path(os.environ.get("HEADSHOT_TEST_FACES", SHARED / "faces")),
    "faces-dev": Path(os.environ.get("HEADSHOT_TEST_FACES_DEV", SHARED / "faces-dev")),
}
BACKDROPS = {"light": "#EEF0F3", "mid_grey": "#8A9099", "dark_navy": "#14213D"}
STYLE = StyleSpec(style_id="bench-quality", version=1, engine="studio", backdrop_color=BACKDROPS["light"])
NEEDS = frame_needs(STYLE)
RESULTS = ROOT / "tests" / "bench" / "results"
# Known verdicts from faces-dev/README.md (judged by eye); the rest are judged in USABLE below.
MUST_ACCEPT = {"cf_005_A.jpg", "cf_006_A.jpg", "cf_FACE_2v.jpg", "df_img13.jpg"}
# Photos a person would call usable for a studio headshot, judged by eye: one person, whole head
# with some room above it, shoulders in the photo, sharp enough, eyes open. The false-reject rate
# is measured on these; every other photo must be refused with a reason.
NOT_USABLE = {
    "kit_with_rose.jpg": "two people",
    "obama_and_biden.jpg": "two people",
    "two_people.jpg": "two people",
    "obama_partial_face_1.jpg": "face cut by the photo's side",
    "obama_partial_face_2.jpg": "face cut by the photo's side",
    "obama_small.jpg": "320x240: the face would be enlarged about 4x",
    "alex_lacamoire_1.png": "424 px: the face would be enlarged about 3x",
    "kit_harington_1.jpg": "eyes 51 px apart: enlarged 3.6x",
    "rose_leslie_1.jpg": "hair cut by the photo's top",
    "cf_FACE_1v.jpg": "hair cut by the photo's top",
    "of_lennon-1.jpg": "face fills the photo, hair cut at the top",
    "isf_happy.png": "squinting grimace, hands on the head, no shoulders",
    "u2_smile.jpg": "hands on the cheeks, hair cut at the top",
    "u2_man2.jpg": "face fills the photo, no shoulders",
    "u2_man5.jpg": "face fills the photo, no shoulders",
    "u2_kid1.jpg": "face fills the photo, no shoulders",
    "fnp_paul_rudd.jpg": "face fills the photo, no shoulders",
    "isf_sad.png": "face fills the photo, no shoulders",
    "df_img61.jpg": "photo ends at the chin",
    "isf_yifei.jpg": "full-length photo: eyes 74 px apart, turned away",
    "hiv_test0.jpg": "full-length photo: eyes 64 px apart",
    "kit_harington_2.jpg": "head turned to the side",
    "kit_harington_3.jpg": "eyes 75 px apart",
    "lin_manuel_miranda_1.png": "microphone in front of the mouth",
    "isf_open_eyes.png": "hair cut by the photo's top",
}


def photos() -> tuple[list[Path], list[str]]:
    found, missing = [], []
    for name, folder in FOLDERS.items():
        if not folder.is_dir():
            missing.append(f"{name}: {folder} not found")
            continue
        found += sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
    return found, missing


def on_backdrop(composed: Composed, colour: str) -> Image.Image:
    backdrop = np.array(ImageColor.getrgb(colour), dtype=np.float32) / 255
    alpha = composed.person_alpha[..., None]
    out = composed.foreground * alpha + backdrop * (1 - alpha)
    return Image.fromarray((out * 255 + 0.5).clip(0, 255).astype(np.uint8))


def hair_crop(image: Image.Image, composed: Composed, size: int = 256) -> Image.Image:
    """A 100% crop of the top-left of the hair line, where blocks and halos show first."""
    alpha = composed.person_alpha
    h, w = alpha.shape
    eye_px = composed.meta["eye_distance"] * w
    top = crown_margin(alpha, eye_px) or 0.0
    x0 = int(max(0, min(w - size, w / 2 - 1.2 * eye_px - size / 3)))
    y0 = int(max(0, min(h - size, top * h - size / 4)))
    return image.crop((x0, y0, x0 + size, y0 + size))


def measure_render(composed: Composed, image: Image.Image, photo_face: Any, analysis: Any, seconds: float) -> dict:
    face = find_face(image)
    w, h = image.size
    eye_px = composed.meta["eye_distance"] * w
    chin = (composed.meta["landmarks"][8][1] - composed.meta["eye_line"] * h) / eye_px
    out: dict[str, Any] = {
        "variant": composed.meta["variant"],
        "seconds": round(seconds, 3),
        "photo_edge_px": photo_edge_px(composed.person_alpha, composed.valid),
        "crown": composed.meta["crown"],
        "chin": round(chin, 2),
        "fade_end": composed.meta["fade_end"],
        "straight_cut_px": straight_cut_px(composed.person_alpha),
        "stray_share": stray_share(composed.person_alpha),
        "crown_margin": crown_margin(composed.person_alpha, composed.meta["eye_distance"] * w),
        "upscale": round(composed.meta["eye_distance"] * w / eye_distance(photo_face), 2),
        "target": {"eye_line": composed.meta["eye_line"], "eye_distance": composed.meta["eye_distance"]},
    }
    if face is None:
        return out | {"face_found": False}
    out["eye_line"] = round(float(face.eye_centre[1] / h), 4)
    out["eye_distance"] = round(eye_distance(face) / w, 4)
    if analysis.descriptor is not None:
        out["likeness_distance"] = round(float(np.linalg.norm(face_descriptor(image, face) - analysis.descriptor)), 4)
    lab = skin_lab(image, face.landmarks)
    if lab is not None and analysis.skin_lab is not None:
        out["skin_delta_e"] = round(delta_e(lab, analysis.skin_lab), 3)
    return out


def sheet(tiles: list[tuple[str, Image.Image]], tile: int, columns: int = 6) -> Image.Image:
    rows = max(1, -(-len(tiles) // columns))
    out = Image.new("RGB", (columns * tile, rows * (tile + 16)), "white")
    draw = ImageDraw.Draw(out)
    for i, (name, image) in enumerate(tiles):
        x, y = (i % columns) * tile, (i // columns) * (tile + 16)
        small = image.copy()
        small.thumbnail((tile, tile), Image.LANCZOS)
        out.paste(small, (x, y))
        draw.text((x + 4, y + tile + 2), name[:40], fill="black")
    return out


def spread(values: list[float], target: float) -> float:
    return round(max(abs(v - target) for v in values), 4) if values else 0.0


def summarise(per_photo: list[dict], render_12mp: dict, missing: list[str]) -> dict:
    renders = [r for p in per_photo for r in p.get("renders", [])]
    usable = [p for p in per_photo if p["usable_by_eye"]]
    # Usable by eye, but with too few face pixels for the style's output: the style would enlarge the
    # face more than HEADSHOT_MAX_UPSCALE and it would look soft, so the checklist asks for "a sharper
    # or closer photo" (what the issue asks for). They are reported apart, with the enlargement each needs.
    too_small = [p for p in usable if "face_pixels" in {r["code"] for r in p["failed"]}]
    usable_at_size = [p for p in usable if p not in too_small]
    false_rejects = [p["photo"] for p in usable_at_size if not p["accepted"]]
    false_accepts = [p["photo"] for p in per_photo if not p["usable_by_eye"] and p["accepted"]]

    def tall_hair(r: dict) -> bool:  # the frame zoomed out past the team's budget so the hair fits
        zoom = r["variant"].get("zoom", 1.0)
        return zoom == 1.0 and r["target"]["eye_distance"] < STYLE.eye_distance * (1 - ZOOM_SLACK) - 1e-4

    measured = [r for r in renders if "eye_line" in r and r["variant"].get("zoom", 1.0) == 1.0 and not tall_hair(r)]
    eye_line_dev = [abs(r["eye_line"] - STYLE.eye_line) for r in measured]
    eye_dist_dev = [
        abs(r["eye_distance"] - STYLE.eye_distance * r["variant"].get("zoom", 1.0))
        / (STYLE.eye_distance * r["variant"].get("zoom", 1.0))
        for r in measured
    ]
    return {
        "photos": len(per_photo),
        "accepted": sum(p["accepted"] for p in per_photo),
        "refused": sum(not p["accepted"] for p in per_photo),
        "usable_by_eye": len(usable),
        "usable_by_eye_with_enough_face_pixels": len(usable_at_size),
        "false_rejects": false_rejects,
        "false_reject_rate": round(len(false_rejects) / max(1, len(usable_at_size)), 4),
        "too_small_for_the_style": {p["photo"]: p["enlargement_needed"] for p in too_small},
        "refused_counting_too_small_as_usable": round((len(false_rejects) + len(too_small)) / max(1, len(usable)), 4),
        "false_accepts": false_accepts,
        "refusals_without_reason": [
            p["photo"] for p in per_photo if not p["accepted"] and not all(r["message"] for r in p["failed"])
        ],
        "renders": len(renders),
        "renders_with_photo_edge": [
            f"{p['photo']}#{r['variant']}"
            for p in per_photo
            for r in p.get("renders", [])
            if r["photo_edge_px"] > VISIBLE_SEAM_PX
        ],
        "renders_whose_fade_reaches_the_chin": [
            f"{p['photo']}#{r['variant']}"
            for p in per_photo
            for r in p.get("renders", [])
            if r["fade_end"] is not None and r["fade_end"] - BOTTOM_FADE < r["chin"]
        ],
        "renders_framed_wider_for_tall_hair": [
            f"{p['photo']}#{r['variant']} (eye distance {r['target']['eye_distance']})"
            for p in per_photo
            for r in p.get("renders", [])
            if tall_hair(r)
        ],
        "renders_with_straight_cut": [
            f"{p['photo']}#{r['variant']}"
            for p in per_photo
            for r in p.get("renders", [])
            if r["straight_cut_px"] > 0.12 * STYLE.output_width
        ],
        "renders_with_stray_background": [
            f"{p['photo']}#{r['variant']}" for p in per_photo for r in p.get("renders", []) if r["stray_share"] > 0.002
        ],
        "crowns_cut": [
            f"{p['photo']}#{r['variant']}"
            for p in per_photo
            for r in p.get("renders", [])
            if r["crown_margin"] is not None and r["crown_margin"] < 0.01
        ],
        "crown_margin_min": min((r["crown_margin"] for r in renders if r["crown_margin"] is not None), default=None),
        "upscale_max": max((r["upscale"] for r in renders), default=None),
        "upscale_over_1_5": sum(r["upscale"] > 1.5 for r in renders),
        "consistency_measured_on": (
            "zoom 1 variants (the style's framing) but those framed wider for tall hair, listed above; "
            "wider variants are narrowed to the photo"
        ),
        "wider_variants_narrowed_to_fit_the_photo": sum(
            r["target"]["eye_distance"] > STYLE.eye_distance * r["variant"].get("zoom", 1.0) * 1.03
            for r in renders
            if r["variant"].get("zoom", 1.0) < 1.0
        ),
        "wider_variants": sum(r["variant"].get("zoom", 1.0) < 1.0 for r in renders),
        "eye_line_max_deviation_of_height": round(max(eye_line_dev, default=0), 4),
        "eye_distance_max_relative_deviation": round(max(eye_dist_dev, default=0), 4),
        "likeness_distance_max": max(
            (r["likeness_distance"] for r in renders if "likeness_distance" in r), default=None
        ),
        "skin_delta_e_max": max((r["skin_delta_e"] for r in renders if "skin_delta_e" in r), default=None),
        "render_seconds_median": round(statistics.median([r["seconds"] for r in renders]), 3) if renders else None,
        "render_12mp": render_12mp,
        "goals": {
            "renders_with_photo_edge": 0,
            "crowns_cut": 0,
            "false_reject_rate": "<= 0.02 (usable photos with enough face pixels)",
            "eye_line_max_deviation_of_height": "<= 0.02",
            "eye_distance_max_relative_deviation": "<= 0.03",
            "likeness_distance_max": "<= 0.35",
            "skin_delta_e_max": "<= 5",
            "render_over_floor": "<= 3",
        },
        "missing_folders": missing,
    }


def main() -> None:
    started = time.perf_counter()
    paths, missing = photos()
    out_dir = RESULTS / "quality"
    out_dir.mkdir(parents=True, exist_ok=True)
    per_photo, tiles = [], {name: [] for name in BACKDROPS}
    hair_tiles = []
    for path in paths:
        image = decode_upload(path.read_bytes()).image
        analysis = analyse_selfie(image)
        failed = [{"code": c["code"], "message": c["message"]} for c in analysis.checks if not c["passed"]]
        eye_px = next((c["value"] for c in analysis.checks if c["code"] == "face_pixels"), None)
        entry: dict[str, Any] = {
            "photo": path.name,
            "folder": path.parent.name,
            "accepted": analysis.passed,
            "failed": failed,
            "usable_by_eye": path.name not in NOT_USABLE,
            "why_not_usable": NOT_USABLE.get(path.name),
            "enlargement_needed": round(NEEDS.eye_px / eye_px, 2) if eye_px else None,
        }
        faces = detect_faces(image)
        if analysis.passed and faces:
            entry["renders"] = []
            for index in range(len(DEFAULT_VARIANTS)):
                start = time.perf_counter()
                composed = compose(image, STYLE, index, face=faces[0])
                seconds = time.perf_counter() - start
                entry["renders"].append(measure_render(composed, composed.image, faces[0], analysis, seconds))
                label_ = f"{path.stem} v{index}"
                for name, colour in BACKDROPS.items():
                    tiles[name].append((label_, on_backdrop(composed, colour)))
                if index == 0:
                    hair_tiles.append((path.stem, hair_crop(on_backdrop(composed, BACKDROPS["dark_navy"]), composed)))
        per_photo.append(entry)
        print(f"{path.name}: {'accepted' if analysis.passed else 'refused ' + str([f['code'] for f in failed])}")
    for name in BACKDROPS:
        sheet(tiles[name], 256).save(out_dir / f"contact_{name}.png")
    sheet(hair_tiles, 256).save(out_dir / "hair_100pct_dark_navy.png")
    from tests.bench.run import _twelve_megapixel_jpeg, bench_render

    first = next((p for p in paths if p.name == "obama_1.jpg"), paths[0] if paths else None)
    portrait = decode_upload(first.read_bytes()).image if first else None
    render_12mp = bench_render(_twelve_megapixel_jpeg(portrait)) if portrait is not None else {}
    result = {
        "bench": "quality",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "style": {"eye_line": STYLE.eye_line, "eye_distance": STYLE.eye_distance, "size": STYLE.output_width},
        "summary": summarise(per_photo, render_12mp, missing),
        "contact_sheets": sorted(str(p.relative_to(ROOT)) for p in out_dir.glob("*.png")),
        "photos": per_photo,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))
    print(f"wrote {RESULTS / 'quality.json'} and the sheets in {out_dir}")


if __name__ == "__main__":
    main()
