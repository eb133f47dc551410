"""`render_headshot` refuses bad input with a clear message and writes no output."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from tests import factories


def _render(tmp_path, source, *, style=None):
    out = tmp_path / "out.jpg"
    args = [str(source), str(out)] + (["--style", str(style)] if style else [])
    call_command("render_headshot", *args)
    return out


@pytest.fixture
def portrait(tmp_path, astronaut_png):
    path = tmp_path / "me.png"
    path.write_bytes(astronaut_png)
    return path


def test_a_missing_input_is_named(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        _render(tmp_path, tmp_path / "nowhere.jpg")
    assert not (tmp_path / "out.jpg").exists()


@pytest.mark.parametrize(
    ("style_text", "message"),
    [("{not json", "cannot read style"), ('{"colour": "#fff"}', "unknown style field")],
)
def test_a_bad_style_file_is_refused(tmp_path, portrait, style_text, message):
    style = tmp_path / "style.json"
    style.write_text(style_text)
    with pytest.raises(CommandError, match=message):
        _render(tmp_path, portrait, style=style)
    assert not (tmp_path / "out.jpg").exists()


def test_a_file_that_is_not_an_image_is_refused(tmp_path):
    notes = tmp_path / "notes.jpg"
    notes.write_text("just text")
    with pytest.raises(CommandError, match="not an image"):
        _render(tmp_path, notes)
    assert not (tmp_path / "out.jpg").exists()


def test_a_photo_without_a_face_is_refused(tmp_path):
    wall = tmp_path / "wall.jpg"
    wall.write_bytes(factories.jpeg_bytes(Image.new("RGB", (600, 600), "white")))
    with pytest.raises(CommandError, match="no face"):
        _render(tmp_path, wall)
    assert not (tmp_path / "out.jpg").exists()
