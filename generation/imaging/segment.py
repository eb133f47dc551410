"""Person segmentation behind one small interface.

The default is MediaPipe's selfie segmenter (Apache-2.0) run with
ai-edge-litert. Another model (an ONNX portrait matter, say) only has to
implement ``Segmenter.person_mask``.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Protocol

import numpy as np
from PIL import Image

from .models_fetch import SELFIE_SEGMENTER, model_path


class Segmenter(Protocol):
    def person_mask(self, image: Image.Image) -> np.ndarray:
        """Float32 HxW in [0, 1] at the image's size: 1 where the person is."""
        ...


class MediaPipeSelfieSegmenter:
    def __init__(self) -> None:
        from ai_edge_litert.interpreter import Interpreter

        # Raises ModelFetchError naming `manage.py fetch_models` when missing or corrupt.
        self._interpreter = Interpreter(model_path=str(model_path(SELFIE_SEGMENTER)), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]
        self._output = self._interpreter.get_output_details()[0]
        self._size = tuple(int(v) for v in self._input["shape"][1:3])  # (h, w)
        self._lock = threading.Lock()

    def person_mask(self, image: Image.Image) -> np.ndarray:
        h, w = self._size
        small = np.asarray(image.convert("RGB").resize((w, h), Image.BILINEAR), dtype=np.float32) / 255.0
        with self._lock:
            self._interpreter.set_tensor(self._input["index"], small[None])
            self._interpreter.invoke()
            raw = self._interpreter.get_tensor(self._output["index"])[0, :, :, 0].copy()
        mask = Image.fromarray(np.clip(raw, 0, 1).astype(np.float32), mode="F")
        return np.asarray(mask.resize(image.size, Image.BILINEAR), dtype=np.float32).clip(0, 1)


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The class HEADSHOT_SEGMENTER names (a portrait-matting model, say), built once per process."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return import_string(settings.HEADSHOT_SEGMENTER)()
