"""Test settings.

With HEADSHOT_TEST_SERVICES=1 (CI, `make test`) the suite runs on the real
services of this machine: Postgres at 127.0.0.1:5432 (database ``test``) and
Redis at 127.0.0.1:6379; the S3 server (moto, on a free loopback port) is
started by the test session itself (tests/conftest.py), not here. Without it,
tests run on the embedded defaults (SQLite, temp files).
"""

from __future__ import annotations

import os

if os.environ.get("HEADSHOT_TEST_SERVICES") == "1":
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run tasks in-process; the worker tests start a real worker and send to Redis.
# That worker sends its own follow-up work (retries, mails) to Redis as well.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("HEADSHOT_TEST_WORKER_PROCESS") != "1"
CELERY_TASK_EAGER_PROPAGATES = True

# The embedded test portrait is 512 px with the eyes 43 px apart; checklist tests set the production value.
HEADSHOT_MIN_EYE_PX = 40
HEADSHOT_MAX_UPSCALE = 5.0
