"""A real worker is killed (SIGKILL) in the middle of an export; a fresh worker resumes it.

Postgres, Redis and moto's S3 server; the export streams to S3 as a multipart
upload in parts of 5 MiB (the smallest S3 allows), one chunk per task."""

from __future__ import annotations

import io
import signal
import time
import zipfile

import pytest
from django.db import transaction

from compliance.models import AuditEvent
from core import media
from generation import services
from generation.models import Export, ExportStatus
from generation.platform_sizes import PLATFORM_SIZES
from tests.export_support import approved_team
from tests.worker_support import NEEDS_SERVICES, celery_worker_process, services_running, tasks_sent_to_redis

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.skipif(not services_running(), reason=NEEDS_SERVICES)]
MEMBERS = 6


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_was_killed_completes_once_after_a_retry(
    admin, hr, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    approved_team(admin, hr, MEMBERS, django_capture_on_commit_callbacks, size=1024, noise=True)  # ~4 MB each
    monkeypatch.setenv("EXPORT_PART_BYTES", str(5 * 1024 * 1024))
    monkeypatch.setenv("EXPORT_CHUNK_MEMBERS", "1")
    monkeypatch.setenv("EXPORT_LEASE_SECONDS", "2")
    with celery_worker_process(queues="default", log=tmp_path / "first.log") as first, tasks_sent_to_redis():
        export = services.export_create(actor=hr)
        _wait(lambda: Export.objects.get(pk=export.pk).members_done >= 1, 300, "the first checkpoint")
        with transaction.atomic():
            # Holding the row: the worker cannot checkpoint or finish past this point, so it dies mid-export.
            Export.objects.select_for_update().get(pk=export.pk)
            first.send_signal(signal.SIGKILL)
            first.wait()
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING and 0 < export.members_done < MEMBERS, export.error

    with celery_worker_process(queues="default", log=tmp_path / "second.log"), tasks_sent_to_redis():
        time.sleep(2.5)  # the dead chunk's lease expires
        # What beat runs every minute. The broker may have handed the dead worker's message to this
        # worker already (acks_late): then the export is running again and there is nothing to resume.
        assert services.exports_resume_stalled() in (0, 1)
        done = lambda: Export.objects.get(pk=export.pk).status != ExportStatus.RUNNING  # noqa: E731
        _wait(done, 300, f"the resumed export\n{(tmp_path / 'second.log').read_text()}")

    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    archive = zipfile.ZipFile(io.BytesIO(media.get(export.storage_key)))
    assert archive.testzip() is None
    assert len(archive.namelist()) == MEMBERS * (1 + len(PLATFORM_SIZES)) + 1
    assert export.bytes_written == archive.fp.getbuffer().nbytes  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(verb="export.built", target_id=str(export.pk)).count() == 1
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    assert not client.list_multipart_uploads(Bucket=default_storage.bucket_name).get("Uploads")
