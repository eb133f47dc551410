"""Test settings.

With HEADSHOT_TEST_SERVICES=1 (CI, `make test`) the suite runs on the real
services of this machine: Postgres at 127.0.0.1:5432 (database ``test``),
Redis at 127.0.0.1:6379, and S3 through moto's standalone server, started
here on a free loopback port. Its address goes into the environment, so a
``celery worker`` subprocess started by a test talks to the same bucket.
Without it, tests run on the embedded defaults (SQLite, temp files).
"""

from __future__ import annotations

import os
import tempfile

if os.environ.get("HEADSHOT_TEST_SERVICES") == "1":
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    if not os.environ.get("S3_BUCKET"):
        from tests.s3server import start_moto_s3

        start_moto_s3()

from .base import *  # noqa: E402,F403
from .base import S3_BUCKET, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run tasks in-process; the worker tests start a real worker and send to Redis.
# That worker sends its own follow-up work (retries, mails) to Redis as well.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("HEADSHOT_TEST_WORKER_PROCESS") != "1"
CELERY_TASK_EAGER_PROPAGATES = True

if not S3_BUCKET:
    MEDIA_ROOT = tempfile.mkdtemp(prefix="headshots-test-media-")
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT

# The embedded test portrait is 512 px with the eyes 43 px apart; checklist tests set the production value.
HEADSHOT_MIN_EYE_PX = 40
