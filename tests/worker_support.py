"""Start a real `celery worker` subprocess on the test database, Redis and the S3 server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from config import celery_app

ROOT = Path(__file__).resolve().parents[1]
NEEDS_SERVICES = "needs Postgres, Redis and the S3 server: set HEADSHOT_TEST_SERVICES=1"


def services_running() -> bool:
    return os.environ.get("HEADSHOT_TEST_SERVICES") == "1"


def worker_database_url() -> str:
    """The pytest-django test database, so the worker sees this test's rows."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(log: Path, text: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the worker exited early:\n{log.read_text()}")
        if text in log.read_text():
            return
        time.sleep(0.3)
    raise AssertionError(f"the worker did not get ready in {timeout}s:\n{log.read_text()}")


@contextmanager
def celery_worker(*, queues: str, log: Path, pool: str = "solo") -> Iterator[Path]:
    """A worker consuming ``queues``; its output goes to ``log``. Stopped with a warm shutdown."""
    with celery_worker_process(queues=queues, log=log, pool=pool):
        yield log


@contextmanager
def celery_worker_process(*, queues: str, log: Path, pool: str = "solo") -> Iterator[subprocess.Popen]:
    """Like celery_worker, yielding the process itself (a fault test may kill it)."""
    assert connection.vendor == "postgresql", "the worker must share the test database"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": worker_database_url(),
        "HEADSHOT_TEST_WORKER_PROCESS": "1",
    }
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues, "-P", pool, "-c", "1"]
    command += ["-n", name, "--loglevel", "INFO", "--purge", "--without-gossip", "--without-mingle"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(log, "ready.", process, timeout=120)
        yield process
    finally:
        if process.poll() is None:  # a fault test may have killed it already
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def tasks_sent_to_redis() -> Iterator[None]:
    """This process publishes to the broker instead of running tasks in-process."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous
