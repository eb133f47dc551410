"""A variable that is set but unusable stops start-up with ImproperlyConfigured naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SWITCHES = ("DATABASE_URL", "REDIS_URL", "S3_", "HEADSHOT_TEST_SERVICES", "DJANGO_SETTINGS_MODULE")


def _check(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SWITCHES)}
    env |= {"HEADSHOT_VAR_DIR": str(tmp_path)} | variables
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


BUCKET = {"S3_BUCKET": "headshots"}
BAD = {
    "DATABASE_URL": {"DATABASE_URL": "nonsense://db.example/headshots"},
    "REDIS_URL": {"REDIS_URL": "http://127.0.0.1:6379/0"},
    "S3_ENDPOINT_URL": BUCKET | {"S3_ENDPOINT_URL": "ftp://minio:9000"},
    "S3_SECRET_ACCESS_KEY": BUCKET | {"S3_ACCESS_KEY_ID": "only-half"},
    "S3_ACCESS_KEY_ID": BUCKET | {"S3_SECRET_ACCESS_KEY": "only-half"},
    "CELERY_TASK_TIME_LIMIT": {"CELERY_TASK_TIME_LIMIT": "ten minutes"},
    "S3_BUCKET": {"S3_ENDPOINT_URL": "http://minio:9000"},  # half an S3 setup must not fall back to disk
}


@pytest.mark.parametrize("name", BAD)
def test_an_unusable_variable_stops_start_up_and_is_named(tmp_path, name):
    result = _check(tmp_path, **BAD[name])
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert name in last_line


def test_with_nothing_set_the_embedded_defaults_start(tmp_path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-real-secret-" + "x" * 40,
    "DATABASE_URL": "postgres://headshots@127.0.0.1:5432/headshots",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "S3_BUCKET": "headshots",
    "FIELD_ENCRYPTION_KEYS": "mO1Nf0v3Hk7o2Qk8q6mS5l9w0mYw1JtF3pQ0o7XyZ4A=",
    # No S3 server here: the bucket's own settings are checked in tests/compliance/test_bucket.py.
    "S3_BUCKET_CHECKS": "off",
}


def test_production_starts_with_every_integration_set(tmp_path):
    result = _check(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name", ["DATABASE_URL", "REDIS_URL", "S3_BUCKET", "FIELD_ENCRYPTION_KEYS", "DJANGO_SECRET_KEY"]
)
def test_production_refuses_to_start_without_an_integration_and_names_it(tmp_path, name):
    result = _check(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != name})
    assert result.returncode != 0
    assert name in result.stderr.strip().splitlines()[-1]
