"""A server or worker started without DJANGO_SETTINGS_MODULE gets production settings,
which refuse to start without their secrets: never DEBUG with a public secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SWITCHES = ("DATABASE_URL", "REDIS_URL", "S3_", "HEADSHOT_TEST_SERVICES", "DJANGO_", "FIELD_ENCRYPTION_KEYS")


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"])
def test_an_entry_point_without_settings_refuses_to_start(module, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(SWITCHES)} | {"HEADSHOT_VAR_DIR": str(tmp_path)}
    code = f"import {module}, django; django.setup() if {module!r} == 'config.celery' else None"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "must be set in production" in result.stderr
