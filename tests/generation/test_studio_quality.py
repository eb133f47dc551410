"""What a company would not publish, measured on real renders: the photo's edge, straight cuts,
leftover background, cut crowns and light halos in the hair on a dark backdrop."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy.ndimage import distance_transform_edt

from generation.engines.base import StyleSpec
from generation.engines.framing import EYE_LINE_SLACK, MIN_HEADROOM, ZOOM_SLACK, choose_framing, frame_needs
from generation.engines.studio import compose
from generation.imaging.cutout import BOTTOM_FADE
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
        "photo_edge_px": photo_edge_px(composed.person_alpha, composed.valid),
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
    # Past the photo's edge there is only backdrop: nothing the photo does not show is made up.
    assert composed.person_alpha[composed.valid < 0.5].max() < 1 / 255
    # The body fades out level, below the chin.
    height, eye_px = composed.image.height, composed.meta["eye_distance"] * composed.image.width
    chin = (composed.meta["landmarks"][8][1] - composed.meta["eye_line"] * height) / eye_px
    assert composed.meta["fade_end"] is not None and composed.meta["fade_end"] - BOTTOM_FADE >= chin - 0.05


def test_the_face_never_fades_even_where_the_photos_side_is_as_close_as_the_checklist_allows(faces_dev_dir):
    image = _photo(faces_dev_dir / "df_img33.jpg")
    face = find_face(image)
    eyes = float(np.hypot(*(face.right_eye - face.left_eye)))
    x, y = face.eye_centre
    chin = face.landmarks[8, 1]
    tight = image.crop(
        (round(x - 1.55 * eyes), round(y - 2.4 * eyes), round(x + 1.55 * eyes), round(chin + 0.75 * eyes))
    )
    composed = compose(tight, NAVY, 0)
    assert photo_edge_px(composed.person_alpha, composed.valid) == 0
    points = np.array(composed.meta["landmarks"])
    jaw_and_brows = np.concatenate([points[0:17], points[26:16:-1]])
    outline = Image.new("1", composed.image.size)
    ImageDraw.Draw(outline).polygon([tuple(p) for p in jaw_and_brows], fill=1)
    inside = np.asarray(outline)
    assert inside.sum() > 10_000 and np.percentile(composed.person_alpha[inside], 1) > 0.97


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


def _light_hair_edge_px(composed) -> int:
    """Light pixels kept as person above the brows, within 30 px of the person's edge: in dark
    hair these are the wall seen through a curl."""
    alpha = composed.person_alpha
    luma = np.asarray(composed.image.convert("L"), dtype=np.float32)
    brows = int(np.asarray(composed.meta["landmarks"])[17:27, 1].min())
    near_edge = distance_transform_edt(alpha >= 0.5) < 30
    near_edge[brows:] = False
    return int((near_edge & (alpha >= 0.5) & (luma > 200)).sum())


def test_the_white_wall_seen_through_curls_is_not_kept(faces_dir):
    """The segmenter takes the wall between curls for person: before the matte cleared the wall,
    alex_lacamoire_2 showed 305 white pixels in the hair on navy."""
    assert _light_hair_edge_px(compose(_photo(faces_dir / "alex_lacamoire/alex_lacamoire_2.jpg"), NAVY, 0)) <= 100


@pytest.mark.parametrize(("name", "most"), [("alex_lacamoire_2.jpg", 3600), ("df_img18.jpg", 2000)])
def test_the_wall_beside_the_hair_leaves_no_glow_on_dark_navy(faces_dir, faces_dev_dir, name, most):
    """Pixels beside the head (above the mouth, alpha under 0.5) visibly lighter than the navy:
    a glow of the old wall. Before the matte cleared the wall: 4,156 and 2,533."""
    path = next(iter([*faces_dir.glob(f"*/{name}"), *faces_dev_dir.glob(name)]))
    composed = compose(_photo(path), NAVY, 0)
    luma = np.asarray(composed.image.convert("L"), dtype=np.float32)
    navy = float(np.asarray(Image.new("RGB", (1, 1), NAVY.backdrop_color).convert("L"))[0, 0])
    mouth = int(np.asarray(composed.meta["landmarks"])[48:68, 1].mean())
    glow = (composed.person_alpha < 0.5) & (luma > navy + 15)
    assert int(glow[:mouth].sum()) <= most


def test_white_hair_on_a_white_wall_stays(faces_dir):
    """The other side of the same rule: white hair against a light wall is not taken for the
    wall (biden_2 keeps about 2,900 light hair pixels)."""
    assert _light_hair_edge_px(compose(_photo(faces_dir / "biden/biden_2.jpg"), NAVY, 0)) > 2000


def test_the_plain_wall_beside_the_hair_is_background_before_the_solve():
    """Synthetic: dark hair on a white wall, with the unsure band around it. Above the mouth the
    band's wall becomes background and the hair's own edge stays unsure; a wall-coloured speck
    inside the hair is cleared, a white headband is not; below the mouth (the shoulders) and
    inside the face nothing changes, even where the face has the wall's colour."""
    from generation.imaging.matte import clear_the_wall

    h = w = 64
    image = np.full((h, w, 3), 0.93)
    yy, xx = np.mgrid[:h, :w]
    head = (yy - 34) ** 2 + (xx - 32) ** 2 < 20**2
    image[head] = 0.12
    tri = np.full((h, w), 0.5)
    tri[distance_transform_edt(head) > 3] = 1.0
    tri[distance_transform_edt(~head) > 4] = 0.0
    image[21:23, 30:32] = 0.93  # the wall through a curl, which the segmenter took for person
    image[26:29, 16:48] = 0.95  # a white headband
    face = np.zeros((h, w), bool)
    face[32:38, 12:16] = True  # a pale cheek reaching the band
    image[face] = 0.93
    everywhere = np.ones((h, w), bool)

    cleared = clear_the_wall(tri.copy(), image, everywhere, keep=face, reach=12, radius=4, head_rows=40, hair_rows=30)
    band = tri == 0.5
    edge_of_hair = band & head & ~face
    edge_of_hair[26:29] = False
    assert (cleared[:40][(band & ~head & ~face)[:40]] == 0).all()  # the wall beside the hair
    assert (cleared[:40][edge_of_hair[:40]] == 0.5).all()  # the hair's own edge
    assert (cleared[21:23, 30:32] == 0).all()  # the speck
    assert (cleared[26:29, 20:44][tri[26:29, 20:44] == 1] == 1).all()  # the headband
    assert (cleared[40:] == tri[40:]).all()  # the shoulders are left to the solve
    assert (cleared[face] == tri[face]).all()

    # White hair: the speck has the colour of the hair around it and stays.
    white = image.copy()
    white[head & ~face] = 0.9
    kept = clear_the_wall(tri.copy(), white, everywhere, reach=12, radius=4, head_rows=40, hair_rows=30)
    assert (kept[21:23, 30:32] == 1).all()

    # Where the photo's edge is carried past it, the carried pixels are not taken for the wall.
    carried = image.copy()
    carried[:, :8] = 0.12
    outside = np.zeros((h, w), bool)
    outside[:, :8] = True
    kept = clear_the_wall(tri.copy(), carried, ~outside, reach=12, radius=4, head_rows=40, hair_rows=30)
    assert (kept[:40][edge_of_hair[:40]] == 0.5).all()


def test_the_matte_follows_the_hair_at_output_resolution(faces_dir):
    """No 4x4 blocks from a 256 px solve: along the hair's edge the alpha changes within blocks too."""
    composed = compose(_photo(faces_dir / "alex_lacamoire/alex_lacamoire_2.jpg"), NAVY, 0)
    alpha = composed.person_alpha
    h, w = (s - s % 4 for s in alpha.shape)
    blocks = alpha[:h, :w].reshape(h // 4, 4, w // 4, 4)
    in_band = (blocks.max(axis=(1, 3)) > 0.1) & (blocks.min(axis=(1, 3)) < 0.9)
    spread_in_block = (blocks.max(axis=(1, 3)) - blocks.min(axis=(1, 3)))[in_band]
    assert in_band.sum() > 500 and np.median(spread_in_block) > 0.15


def test_hair_moves_the_frame_within_the_teams_budget_and_tall_hair_is_framed_not_cut():
    style = StyleSpec(style_id="s", version=1, engine="studio")
    for crown in (1.5, 2.0, 2.3, 2.39):
        framing = choose_framing(style, {}, (1024, 1024), crown)
        assert framing.eye_distance >= style.eye_distance * (1 - ZOOM_SLACK) - 1e-9, (crown, framing)
        assert framing.eye_line - style.eye_line <= EYE_LINE_SLACK + 1e-9, (crown, framing)
    for crown in (2.6, 3.2):  # a bun, an afro: the frame zooms out past the budget instead of refusing or cutting
        framing = choose_framing(style, {}, (1024, 1024), crown)
        assert framing.eye_line - crown * framing.eye_distance >= MIN_HEADROOM - 1e-9, (crown, framing)


def test_the_style_says_how_many_face_pixels_it_needs():
    style = StyleSpec(style_id="s", version=1, engine="studio")
    assert frame_needs(style).eye_px == pytest.approx(0.18 * 1024, abs=0.5)
    wide = StyleSpec(style_id="s", version=1, engine="studio", framing={"eye_distance": 0.25}, output_width=800)
    assert frame_needs(wide).eye_px == pytest.approx(200, abs=0.5)


def test_the_colour_estimates_are_sampled_bilinearly_with_edges_clamped():
    """unmix reads the reduced-grid colour estimates with one gather for all channels; it samples
    them exactly as scipy's map_coordinates (order 1, edges clamped) would, channel by channel."""
    from scipy.ndimage import map_coordinates

    from generation.imaging.matte import _bilinear

    rng = np.random.default_rng(7)
    grid = rng.random((9, 13, 6)).astype(np.float32)
    ys, xs = rng.uniform(-2, 11, 500), rng.uniform(-2, 15, 500)
    expected = np.stack([map_coordinates(grid[..., c], [ys, xs], order=1, mode="nearest") for c in range(6)], -1)
    assert np.allclose(_bilinear(grid, ys, xs), expected, atol=1e-5)
