"""With no integration variable set, the README's first command works on SQLite, local files and eager Celery."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SWITCHES = ("DATABASE_URL", "REDIS_URL", "S3_", "HEADSHOT_TEST_SERVICES", "DJANGO_SETTINGS_MODULE")


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_the_demo_ends_with_a_zip_of_approved_headshots_and_a_manifest(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(SWITCHES)} | {"HEADSHOT_VAR_DIR": str(tmp_path)}
    # No migrate first: the demo migrates a fresh checkout itself. Twice in a row must work.
    first = _manage(env, "demo", "--no-serve")
    output = _manage(env, "demo", "--no-serve")
    _check_second_run_left_nothing_behind(first, output, tmp_path)

    exports = [line.removeprefix("export: ") for line in output.splitlines() if line.startswith("export: ")]
    assert len(exports) == 1, output
    path = Path(exports[0])
    assert path.is_relative_to(tmp_path), "embedded defaults keep files under HEADSHOT_VAR_DIR"
    assert (tmp_path / "db.sqlite3").exists()

    archive = zipfile.ZipFile(path)
    photos = [name for name in archive.namelist() if name.endswith(".jpg") and "/" not in name]
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert len(photos) >= 3
    assert len(rows) >= 3 and {row["file"] for row in rows} == set(photos)
    assert all(row["approved_by"] and row["approved_at"] for row in rows)


def _check_second_run_left_nothing_behind(first: str, second: str, var: Path) -> None:
    [export] = [line.removeprefix("export: ") for line in second.splitlines() if line.startswith("export: ")]
    org_prefix = Path(export).relative_to(var / "media").parts[:2]  # ("orgs", "<the demo org's id>")
    stored = [p.relative_to(var / "media") for p in (var / "media" / "orgs").rglob("*") if p.is_file()]
    assert stored and all(p.parts[:2] == org_prefix for p in stored), "files of the first demo were left behind"
    assert [p.name for p in (var / "media" / "orgs").iterdir()] == [org_prefix[1]]
    mails = sorted((var / "mail").glob("*.log"))
    mail_lines = [line for line in second.splitlines() if line.startswith("mail: ")]
    assert mail_lines == [f"mail: {len(mails)} message(s) written to {var / 'mail'}/ (one .log file per message)"]
    assert mails and first.count("mail: ") == 1
    text = "\n".join(m.read_text(errors="replace") for m in mails)
    assert "/invite/" in text and "Your headshot is approved" in text


@pytest.mark.slow
def test_stopping_the_served_site_stops_its_background_worker(tmp_path):
    """`kill` (SIGTERM) on `manage.py serve` (what `make serve` and `make demo` end in) takes its
    celery worker down too, instead of leaving it running on the embedded broker."""
    import re
    import signal
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(SWITCHES)} | {"HEADSHOT_VAR_DIR": str(tmp_path)}
    _manage(env, "migrate", "--noinput", "-v0")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 120
        while not (found := re.search(r"\(pid (\d+),", log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert found, log.read_text()
        worker = int(found.group(1))
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        deadline = time.monotonic() + 60
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{worker}").exists(), "the worker outlived the site"
    finally:
        if serve.poll() is None:
            serve.kill()
