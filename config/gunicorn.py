"""gunicorn's settings for the web image (platform/Dockerfile.web) and `make bench-scale`.

The app is loaded once in the master and its objects are frozen out of the garbage collector
before the workers fork: a full collection then walks only what a request allocated, not
Django's and the app's hundreds of thousands of long-lived objects (a full collection over them
showed up as the slowest requests), and the shared pages stay shared after the fork.
"""

from __future__ import annotations

import gc
from typing import Any

wsgi_app = "config.wsgi:application"
preload_app = True


def pre_fork(server: Any, worker: Any) -> None:
    gc.freeze()
