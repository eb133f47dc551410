"""dlib's face models from the face_recognition_models package.

The package's ``__init__`` imports pkg_resources, so its files are located
with importlib instead of importing it.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

DETECT_LONG_SIDE = 800
# HOG detections below this score are mostly texture (a patch on a suit, a poster):
# they are ignored unless nothing better is found.
MIN_SCORE = 0.3
_lock = threading.Lock()


def models_dir() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.origin:
        raise RuntimeError("face_recognition_models is not installed; run `make install`.")
    return Path(spec.origin).parent / "models"


@lru_cache(maxsize=1)
def _models() -> Any:
    import dlib

    root = models_dir()
    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(str(root / "shape_predictor_68_face_landmarks.dat")),
        dlib.face_recognition_model_v1(str(root / "dlib_face_recognition_resnet_model_v1.dat")),
    )


@dataclass
class Face:
    box: tuple[float, float, float, float]  # left, top, right, bottom in full-image pixels
    landmarks: np.ndarray  # (68, 2) in full-image pixels
    score: float

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def left_eye(self) -> np.ndarray:  # the subject's right eye, on the image's left
        return self.landmarks[36:42].mean(axis=0)

    @property
    def right_eye(self) -> np.ndarray:
        return self.landmarks[42:48].mean(axis=0)

    @property
    def eye_centre(self) -> np.ndarray:
        return (self.left_eye + self.right_eye) / 2


def _downscaled(image: Image.Image, long_side: int) -> tuple[np.ndarray, float]:
    scale = min(1.0, long_side / max(image.size))
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR)
    return np.asarray(image.convert("RGB")), scale


def detect_faces(image: Image.Image, *, long_side: int = DETECT_LONG_SIDE, upsample: int = 1) -> list[Face]:
    """Faces, largest first, detected on a downscaled copy."""
    detector, predictor, _ = _models()
    pixels, scale = _downscaled(image, long_side)
    with _lock:
        rects, scores, _ = detector.run(pixels, upsample, 0.0)
        faces = []
        for rect, score in zip(rects, scores, strict=True):
            shape = predictor(pixels, rect)
            points = np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float64) / scale
            box = (rect.left() / scale, rect.top() / scale, rect.right() / scale, rect.bottom() / scale)
            faces.append(Face(box=box, landmarks=points, score=float(score)))
    confident = [f for f in faces if f.score >= MIN_SCORE]
    if not confident and faces:
        confident = [max(faces, key=lambda f: f.score)]
    return sorted(confident, key=lambda f: f.width, reverse=True)


def find_face(image: Image.Image) -> Face | None:
    """The largest face, fast: without upsampling first (about 4x quicker at 800 px), which finds
    any face a usable selfie or headshot has; upsampling only when that finds nothing."""
    faces = detect_faces(image, upsample=0) or detect_faces(image, upsample=1)
    return faces[0] if faces else None


def face_descriptor(
    image: Image.Image, face: Face | None = None, *, long_side: int = DETECT_LONG_SIDE
) -> np.ndarray | None:
    """dlib's 128-d ResNet descriptor of the given face (default: the largest one found)."""
    import dlib

    face = face or find_face(image)
    if face is None:
        return None
    _, predictor, encoder = _models()
    pixels, scale = _downscaled(image, long_side)
    left, top, right, bottom = (round(v * scale) for v in face.box)
    with _lock:
        shape = predictor(pixels, dlib.rectangle(left, top, right, bottom))
        return np.asarray(encoder.compute_face_descriptor(pixels, shape, 1), dtype=np.float64)
