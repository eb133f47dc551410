"""Exports stream to storage in chunks, reuse the sizes made at approval, and resume after a crash."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from core import media, uploads
from generation import keys, services, zipstream
from generation.imaging import disclosure
from generation.models import Export, ExportMember, ExportStatus, Headshot
from generation.platform_sizes import PLATFORM_SIZES
from generation.selectors import exports_containing
from tests.api_support import query_count
from tests.export_support import approved_team


def _zip(export: Export) -> zipfile.ZipFile:
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    archive = zipfile.ZipFile(io.BytesIO(media.get(export.storage_key)))
    assert archive.testzip() is None
    return archive


def test_approval_makes_every_platform_size_once_never_upscaled(admin, hr, django_capture_on_commit_callbacks):
    (headshot,) = approved_team(admin, hr, 1, django_capture_on_commit_callbacks, size=1024)
    headshot.refresh_from_db()
    assert set(headshot.sizes) == set(PLATFORM_SIZES)
    assert (headshot.sizes["print"]["width"], headshot.sizes["print"]["height"]) == (819, 1024)  # 4:5 of 1024 px
    assert (headshot.sizes["slack"]["width"], headshot.sizes["slack"]["height"]) == (512, 512)
    printed = media.get(headshot.sizes["print"]["key"])
    assert Image.open(io.BytesIO(printed)).size == (819, 1024)
    assert disclosure.read_manifest(printed)["title"] == "print.jpg"  # signed once, at approval


def test_a_chunked_export_is_one_valid_zip_with_every_file_stored_as_made(
    admin, hr, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EXPORT_PART_BYTES, settings.EXPORT_CHUNK_MEMBERS = 1, 1  # a part and a chunk per member
    team = approved_team(admin, hr, 4, django_capture_on_commit_callbacks)
    signed = []
    monkeypatch.setattr(disclosure, "_signed", lambda *a: signed.append(a))  # nothing is signed again
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_create(actor=hr)
    archive = _zip(export)
    assert signed == []
    names = archive.namelist()
    assert len(names) == 4 * (1 + len(PLATFORM_SIZES)) + 1
    first = ExportMember.objects.filter(export=export).order_by("position").first()
    headshot = Headshot.objects.get(pk=first.headshot_id)
    assert archive.read(f"{first.name}.jpg") == media.get(headshot.storage_key)  # no recompression
    assert archive.read(f"sizes/print/{first.name}.jpg") == media.get(headshot.sizes["print"]["key"])
    assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    export.refresh_from_db()
    assert (export.members_done, export.headshot_count, export.progress) == (4, 4, 100)
    assert export.bytes_written == len(media.get(export.storage_key))
    assert {row.member_id for row in export.members.all()} == {h.member_id for h in team}


def test_erasure_finds_the_exports_of_a_member_in_one_query(admin, hr, django_capture_on_commit_callbacks):
    team = approved_team(admin, hr, 2, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        exports = [services.export_create(actor=hr) for _ in range(3)]
    member = team[0].member
    assert {e.pk for e in exports_containing(member=member)} == {e.pk for e in exports}
    assert query_count(lambda: list(exports_containing(member=member))) == 1


def test_a_build_that_died_resumes_from_its_checkpoint(
    admin, hr, settings, django_capture_on_commit_callbacks, lost_messages
):
    settings.EXPORT_PART_BYTES, settings.EXPORT_CHUNK_MEMBERS = 1, 2
    # About 4 MB a member: two fill a part even where S3 wants 5 MiB.
    approved_team(admin, hr, 5, django_capture_on_commit_callbacks, size=1024, noise=True)
    export = services.export_create(actor=hr)  # not committed: this test runs the chunks itself
    services.export_build(export_id=export.id)  # chunk one: two members, checkpointed
    export.refresh_from_db()
    assert (export.status, export.members_done, len(lost_messages)) == (ExportStatus.RUNNING, 2, 1)
    # The next chunk's worker dies after writing past the checkpoint and holding the lease.
    upload = uploads.resumable_upload(
        keys.export_key(organization_id=export.organization_id, export_id=export.id), export.upload_state
    )
    upload.write(b"half a member")
    upload.flush()
    Export.objects.filter(pk=export.pk).update(chunk_running=True, lease_until="2000-01-01T00:00Z")
    assert services.exports_resume_stalled() == 1
    while Export.objects.get(pk=export.pk).status == ExportStatus.RUNNING:
        services.export_build(export_id=export.id)
    archive = _zip(export)
    assert len(archive.namelist()) == 5 * (1 + len(PLATFORM_SIZES)) + 1
    export.refresh_from_db()
    assert export.attempts == 3  # three chunks of two members; the dead write was overwritten


@pytest.fixture
def lost_messages(monkeypatch) -> list[str]:
    """Every export message the services send, held here as if the broker lost it (a Redis restart)."""
    from generation import tasks

    sent: list[str] = []
    monkeypatch.setattr(tasks.build_export_task, "delay", sent.append)
    return sent


@pytest.mark.parametrize("lost", ["the first chunk's message", "the next chunk's message"])
def test_an_export_whose_message_was_lost_is_sent_again_once_its_lease_expires(
    lost, admin, hr, settings, django_capture_on_commit_callbacks, lost_messages
):
    settings.EXPORT_PART_BYTES, settings.EXPORT_CHUNK_MEMBERS = 1, 1
    approved_team(admin, hr, 2, django_capture_on_commit_callbacks, size=1024, noise=True)
    export = services.export_create(actor=hr)
    if lost == "the next chunk's message":
        services.export_build(export_id=export.id)  # one member, then the next chunk is handed on
    export.refresh_from_db()
    assert export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and not export.chunk_running
    assert services.exports_resume_stalled() == 0  # still within its lease: nothing is lost yet
    Export.objects.filter(pk=export.pk).update(lease_until="2000-01-01T00:00Z")
    lost_messages.clear()
    assert services.exports_resume_stalled() == 1 and lost_messages == [str(export.id)]
    while Export.objects.get(pk=export.pk).status != ExportStatus.SUCCEEDED:
        services.export_build(export_id=export.id)
    assert len(_zip(export).namelist()) == 2 * (1 + len(PLATFORM_SIZES)) + 1


def test_a_message_for_an_export_whose_chunk_is_running_does_nothing(admin, hr, django_capture_on_commit_callbacks):
    approved_team(admin, hr, 1, django_capture_on_commit_callbacks)
    export = services.export_create(actor=hr)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, chunk_running=True)
    services.export_build(export_id=export.id)  # a duplicate while the lease holds
    export.refresh_from_db()
    assert (export.status, export.attempts, export.members_done) == (ExportStatus.RUNNING, 0, 0)


def test_a_zip_with_more_than_65535_entries_gets_zip64_records():
    out = io.BytesIO()
    stamp = zipstream.dos_time(__import__("datetime").datetime(2026, 1, 1))
    entries = []
    for n in range(70_000):
        piece, entry = zipstream.local_file(f"{n}.txt", b"x", offset=out.tell(), stamp=stamp)
        out.write(piece)
        entries.append(entry)
    start = out.tell()
    for record in zipstream.central_directory(entries, stamp=stamp):
        out.write(record)
    out.write(zipstream.end_records(count=len(entries), directory_offset=start, directory_size=out.tell() - start))
    archive = zipfile.ZipFile(out)
    assert len(archive.namelist()) == 70_000
    assert archive.read("69999.txt") == b"x"


@pytest.mark.parametrize(
    "source, wanted, made",
    [
        ((1024, 1024), (2400, 3000), (819, 1024)),
        ((4000, 5000), (2400, 3000), (2400, 3000)),
        ((300, 300), (512, 512), (300, 300)),
    ],
)
def test_sizes_are_never_upscaled(source, wanted, made):
    from generation.platform_sizes import fitted_size

    assert fitted_size(source, wanted) == made
