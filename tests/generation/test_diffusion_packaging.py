"""The studio path stays small: web processes and CPU workers never load torch."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STUDIO_JOB = textwrap.dedent("""
    import sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)

    import generation.engines.studio  # noqa: F401
    from generation import services
    from generation.models import JobStatus
    from tests import factories

    admin = factories.organization(name="Acme")
    person = factories.consent(factories.member(admin=admin))
    assert factories.selfie(actor=person, data=factories.astronaut_png()).usable
    job = services.job_enqueue(actor=person, idempotency_key="studio")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    heavy = sorted(name for name in ("torch", "diffusers", "transformers") if name in sys.modules)
    print("HEAVY", heavy)
""")


@pytest.mark.slow
def test_a_studio_job_never_imports_torch(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "S3_"))}
    env.update(
        HEADSHOT_TEST_SERVICES="0",
        HEADSHOT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", STUDIO_JOB],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "HEAVY []" in result.stdout


def test_importing_the_diffusion_engine_does_not_load_torch_either():
    code = "import sys, generation.engines.diffusion; print('torch' in sys.modules)"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", HEADSHOT_TEST_SERVICES="0")
    code = "import django; django.setup(); " + code
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr[-2000:]
