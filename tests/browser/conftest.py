"""Browser tests: Debian's chromium driven by pytest-playwright against a live server.

Playwright cannot download browsers here, so it launches the system `chromium` by its
path. Jobs and exports run on a real Celery worker (in-process, on the test broker),
so the pages show real progress instead of rendering inside the request.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (make install or .ci/run installs it)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # --no-sandbox: CI runs as root, where chromium refuses its sandbox.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture
def celery_worker_thread(transactional_db: None) -> Iterator[None]:
    """A real Celery worker in a thread, consuming the default queue of the test broker."""
    from celery.contrib.testing.worker import start_worker

    from config import celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def screenshot_dir() -> Path | None:
    """`make screenshots` sets HEADSHOT_SCREENSHOTS to the folder every page is saved into."""
    folder = os.environ.get("HEADSHOT_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
