"""What a company would not publish, measured on real renders: the photo's edge, straight cuts,
leftover background, cut crowns and light halos in the hair on a dark backdrop."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import distance_transform_edt

from generation.engines.base import StyleSpec
from generation.engines.studio import HEADROOM, choose_framing, compose, frame_needs
from generation.imaging.cutout import FADE_BAND
from generation.imaging.defects import VISIBLE_SEAM_PX, crown_margin, photo_edge_px, straight_cut_px, stray_share
from generation.imaging.faces import find_face
from generation.imaging.io import decode_upload

NAVY = StyleSpec(
    style_id="navy", version=1, engine="studio", backdrop_color="#14213D", output_width=768, output_height=768
)


@cache
def _photo(path: Path) -> Image.Image:
    return decode_upload(path.read_bytes()).image


def _chest_selfie(image: Image.Image) -> Image.Image:
    """The photo cut just below the chest and close at the sides, as a phone at arm's length takes it."""
    face = find_face(image)
    eyes = float(np.hypot(*(face.right_eye - face.left_eye)))
    x, y = face.eye_centre
    return image.crop((round(x - 2.0 * eyes), round(y - 2.4 * eyes), round(x + 2.0 * eyes), round(y + 2.9 * eyes)))


def _defects(composed) -> dict:
    w = composed.image.width
    return {
        "photo_edge_px": photo_edge_px(np.asarray(composed.image), composed.person_alpha, composed.valid),
        "straight_cut_px": straight_cut_px(composed.person_alpha),
        "stray_share": stray_share(composed.person_alpha),
        "crown_margin": crown_margin(composed.person_alpha, composed.meta["eye_distance"] * w),
    }


@pytest.mark.parametrize("variant", [0, 3])
def test_a_selfie_that_stops_at_the_chest_ends_in_a_soft_fade_not_the_photos_edge(faces_dev_dir, variant):
    chest = _chest_selfie(_photo(faces_dev_dir / "df_img33.jpg"))
    composed = compose(chest, NAVY, variant)
    defects = _defects(composed)
    assert (composed.valid < 0.5).any()  # the framing reaches past this photo
    assert defects["photo_edge_px"] <= VISIBLE_SEAM_PX, defects
    assert defects["straight_cut_px"] < 0.12 * composed.image.width, defects
    # Past the fade band beyond the photo's edge there is only backdrop (no visible alpha).
    eye_px = composed.meta["eye_distance"] * composed.image.width
    far = distance_transform_edt(composed.valid < 0.5) > (FADE_BAND + 0.15) * eye_px
    assert far.any() and composed.person_alpha[far].max() < 1 / 255


@pytest.mark.parametrize(
    "name",
    ["faces/alex_lacamoire/alex_lacamoire_2.jpg", "faces/obama/obama_1.jpg", "faces-dev/df_img2.jpg"],
)
def test_the_crown_sits_inside_the_frame_with_headroom(faces_dir, faces_dev_dir, name):
    folder, rest = name.split("/", 1)
    composed = compose(_photo((faces_dir if folder == "faces" else faces_dev_dir) / rest), NAVY, 0)
    assert _defects(composed)["crown_margin"] >= 0.03, composed.meta


def test_a_white_wall_leaves_no_light_halo_in_the_hair_on_dark_navy(faces_dev_dir):
    composed = compose(_photo(faces_dev_dir / "cf_FACE_2v.jpg"), NAVY, 0)
    alpha = composed.person_alpha
    luma = np.asarray(composed.image.convert("L"), dtype=np.float32)
    upper = np.zeros_like(alpha, dtype=bool)
    upper[: int(composed.meta["eye_line"] * alpha.shape[0])] = True  # the hair, above the eyes
    edge = upper & (alpha > 0.05) & (alpha < 0.95)
    hair = upper & (alpha == 1) & (distance_transform_edt(alpha == 1) < 12)
    assert edge.sum() > 200 and hair.sum() > 200
    # An edge pixel mixes hair and navy: never lighter than the hair itself, as a halo of wall would be.
    assert np.percentile(luma[edge], 90) <= np.percentile(luma[hair], 90) + 8


def test_the_matte_follows_the_hair_at_output_resolution(faces_dir):
    """No 4x4 blocks from a 256 px solve: along the hair's edge the alpha changes within blocks too."""
    composed = compose(_photo(faces_dir / "alex_lacamoire/alex_lacamoire_2.jpg"), NAVY, 0)
    alpha = composed.person_alpha
    h, w = (s - s % 4 for s in alpha.shape)
    blocks = alpha[:h, :w].reshape(h // 4, 4, w // 4, 4)
    in_band = (blocks.max(axis=(1, 3)) > 0.1) & (blocks.min(axis=(1, 3)) < 0.9)
    spread_in_block = (blocks.max(axis=(1, 3)) - blocks.min(axis=(1, 3)))[in_band]
    assert in_band.sum() > 500 and np.median(spread_in_block) > 0.15


def test_tall_hair_moves_the_frame_only_within_the_teams_consistency_budget():
    style = StyleSpec(style_id="s", version=1, engine="studio")
    for crown in (1.5, 2.3, 2.6, 3.2):
        framing = choose_framing(style, {}, (1024, 1024), crown)
        assert abs(framing.eye_distance / style.eye_distance - 1) <= 0.03, (crown, framing)
        assert abs(framing.eye_line - style.eye_line) <= 0.02, (crown, framing)


def test_the_style_says_which_hair_fits_and_how_many_face_pixels_it_needs():
    style = StyleSpec(style_id="s", version=1, engine="studio")
    needs = frame_needs(style)
    assert needs.eye_px == pytest.approx(0.18 * 1024, abs=0.5)
    # Exactly the tallest hair that keeps the style's headroom at the largest allowed move.
    framing = choose_framing(style, {}, (1024, 1024), needs.max_crown)
    assert framing.eye_line - needs.max_crown * framing.eye_distance == pytest.approx(HEADROOM, abs=0.002)
    roomier = frame_needs(StyleSpec(style_id="s", version=1, engine="studio", framing={"eye_line": 0.5}))
    assert roomier.max_crown > needs.max_crown
