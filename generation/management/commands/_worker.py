"""The demo's background worker: a real ``celery worker`` on the embedded broker.

Under local settings without Redis, tasks go through kombu's filesystem transport
(config.settings.local), so renders run in this worker while pages show progress.
When tasks run eagerly (HEADSHOT_EAGER=1, or the test settings) no worker is started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import TextIOBase
from typing import TypeVar

from django.conf import settings
from django.core.management.base import CommandError
from django.db import models

ROOT = settings.BASE_DIR
FINISHED = {"succeeded", "failed", "cancelled"}
Row = TypeVar("Row", bound=models.Model)


@contextmanager
def background_worker(stdout: TextIOBase) -> Iterator[subprocess.Popen | None]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    log_path = settings.VAR_DIR / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,gpu", "-P", "solo"]
    command += ["-c", "1", "-n", f"demo-{os.getpid()}@%h", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    stdout.write(f"worker: celery on the embedded broker (pid {process.pid}, log {log_path})")
    # `kill` (SIGTERM) would end this process without its finally: the worker would outlive it.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield process
    finally:
        signal.signal(signal.SIGTERM, previous)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def wait_until_finished(row: Row, *, timeout: float = 600) -> Row:
    """Poll a job or export row until the worker has finished it."""
    deadline = time.monotonic() + timeout
    while True:
        row.refresh_from_db()
        if getattr(row, "status") in FINISHED:  # noqa: B009
            return row
        if time.monotonic() > deadline:
            raise CommandError(f"{row} did not finish in {timeout:.0f}s; see var/worker.log")
        time.sleep(0.5)


def wait_until_checked(selfie: Row, *, timeout: float = 300) -> Row:
    """Poll a selfie until the worker has run its checklist (it runs after the upload)."""
    deadline = time.monotonic() + timeout
    while True:
        selfie.refresh_from_db()
        if getattr(selfie, "checked_at") is not None:  # noqa: B009
            return selfie
        if time.monotonic() > deadline:
            raise CommandError(f"{selfie} was not checked in {timeout:.0f}s; see var/worker.log")
        time.sleep(0.2)
