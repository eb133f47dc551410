"""Every model that points at a member is covered by a personal-data handler, or start-up fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from compliance.personal_data import models_without_handler, personal_data_check, personal_data_handlers
from generation.models import Headshot, Selfie

ROOT = Path(__file__).resolve().parents[2]


def test_every_model_of_the_installed_apps_has_a_handler():
    assert models_without_handler() == []
    assert personal_data_check() == []


def test_generation_answers_for_its_face_data():
    covered = {model for handler in personal_data_handlers() for model in handler.models}
    assert {Selfie, Headshot} <= covered


def test_start_up_fails_naming_a_model_that_points_at_a_member_without_a_handler():
    env = {k: v for k, v in os.environ.items() if k != "HEADSHOT_TEST_SERVICES"}
    env |= {"DJANGO_SETTINGS_MODULE": "tests.unhandled_app.settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "compliance.E001" in result.stderr
    assert "unhandled_app.VoiceSample" in result.stderr
    assert "unhandled_app.VoiceTranscript" in result.stderr  # found through the chain
