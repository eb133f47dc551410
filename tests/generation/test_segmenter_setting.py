"""The segmenter is a setting, so a portrait-matting model can replace MediaPipe."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from generation.imaging import segment


class EverythingIsPerson:
    def person_mask(self, image: Image.Image) -> np.ndarray:
        return np.ones((image.height, image.width), dtype=np.float32)


@pytest.fixture
def fresh_segmenter():
    segment.default_segmenter.cache_clear()
    yield
    segment.default_segmenter.cache_clear()


def test_the_default_is_the_mediapipe_selfie_segmenter(fresh_segmenter):
    assert isinstance(segment.default_segmenter(), segment.MediaPipeSelfieSegmenter)


def test_a_configured_segmenter_is_used(fresh_segmenter, settings):
    settings.HEADSHOT_SEGMENTER = "tests.generation.test_segmenter_setting.EverythingIsPerson"
    mask = segment.default_segmenter().person_mask(Image.new("RGB", (40, 30)))
    assert mask.shape == (30, 40) and mask.min() == 1.0
