from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test.utils import override_settings
from rest_framework.test import APIClient

from config.settings.base import media_storage
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Lockout counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _media_storage(tmp_path_factory: pytest.TempPathFactory):
    """Media go to a fresh folder, or, with HEADSHOT_TEST_SERVICES=1, to a moto S3 server started
    here (its address goes into the environment, so a worker subprocess uses the same bucket)."""
    if os.environ.get("HEADSHOT_TEST_SERVICES") == "1" and not os.environ.get("S3_BUCKET"):
        from tests.s3server import start_moto_s3

        start_moto_s3()
    if os.environ.get("S3_BUCKET"):
        media = media_storage()
        root = django_settings.MEDIA_ROOT
    else:
        root = tmp_path_factory.mktemp("media")
        media = {"BACKEND": "core.storages.SignedFileSystemStorage", "OPTIONS": {"location": root}}
    with override_settings(STORAGES={**django_settings.STORAGES, "default": media}, MEDIA_ROOT=root):
        yield


@pytest.fixture(autouse=True)
def _empty_bucket_after_each_test() -> Iterator[None]:
    """Each test starts from an empty S3 bucket (on the moto server started above, if any)."""
    yield
    from tests.s3server import reset_moto_s3

    reset_moto_s3()


@pytest.fixture
def admin(db):
    return factories.organization(name="Acme")


@pytest.fixture
def hr(admin):
    return factories.member(admin=admin, role="hr", department="People", first_name="Harper")


@pytest.fixture
def employee(admin):
    return factories.member(admin=admin, first_name="Ada")


@pytest.fixture
def consented(employee):
    return factories.consent(employee)


@pytest.fixture
def outsider(db):
    """An admin of another organisation: must never see Acme's data."""
    return factories.organization(name="Globex")


@pytest.fixture
def api():
    def client_for(member=None) -> APIClient:
        client = APIClient()
        if member is not None:
            client.force_authenticate(member.user)
        return client

    return client_for


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run enqueued work (eager tasks) when the service's transaction commits."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    path = Path(os.environ.get("HEADSHOT_TEST_FACES", Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"))
    if not path.is_dir():
        pytest.skip(f"real test portraits not found at {path} (set HEADSHOT_TEST_FACES)")
    return path.resolve()


@pytest.fixture(scope="session")
def faces_dev_dir() -> Path:
    """35 more real portraits (../shared/faces-dev, see its README), some with known verdicts."""
    default = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces-dev"
    path = Path(os.environ.get("HEADSHOT_TEST_FACES_DEV", default))
    if not path.is_dir():
        pytest.skip(f"development portraits not found at {path} (set HEADSHOT_TEST_FACES_DEV)")
    return path.resolve()


@pytest.fixture(scope="session")
def astronaut_png() -> bytes:
    return factories.astronaut_png()


@pytest.fixture(scope="session")
def _smtp_session():
    from tests.smtpserver import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(_smtp_session, settings):
    """A real SMTP server on loopback, with Django's SMTP backend pointed at it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _smtp_session.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    _smtp_session.inbox.messages.clear()
    return _smtp_session.inbox


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs what the block enqueued after commit (mails, renders) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
