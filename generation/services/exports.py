"""Team exports: a zip of every approved headshot with its platform sizes and a manifest.

The zip is streamed to storage in chunks of work (``export_build`` does one chunk
and enqueues the next), so memory stays flat in team size and no task runs near
its time limit. Each chunk ends at a checkpoint: the upload's state, the members
written and their zip entries. A worker that dies mid-chunk leaves its lease to
expire; the next claim resumes from the last checkpoint and overwrites what came
after it, so the zip is written once and whole.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from core import media, uploads
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.text import clean_text, csv_row
from generation import keys
from teams.models import Membership

from .. import zipstream
from ..models import Export, ExportMember, ExportStatus, Headshot, ReviewState
from ..platform_sizes import PLATFORM_SIZES
from .sizes import headshot_sizes_make

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ["name", "email", "department", "title", "file", "approved_by", "approved_at"]
BATCH = 500  # rows read per query while snapshotting and writing the directory


def _approved(organization_id: UUID, department: str) -> QuerySet[Headshot]:
    qs = Headshot.objects.filter(
        organization_id=organization_id, chosen=True, review_state=ReviewState.APPROVED, member__active=True
    )
    return qs.filter(member__department=department) if department else qs


@transaction.atomic
def export_create(*, actor: Membership, department: str = "") -> Export:
    from ..tasks import build_export_task

    if not actor.is_hr:
        raise NotAllowed("Only HR can export team photos.", code="not_hr")
    department = clean_text(department, label="The department", max_length=120)
    if not _approved(actor.organization_id, department).exists():
        where = f" in {department}" if department else ""
        raise ApplicationError(f"There are no approved headshots{where} to export yet.", code="nothing_to_export")
    export = Export.objects.create(
        organization=actor.organization, requested_by=actor, department=department, lease_until=_lease()
    )
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.EXPORT_CREATED,
        target=export,
        data={"department": department},
    )
    transaction.on_commit(lambda: build_export_task.delay(str(export.id)))
    return export


def _lease() -> datetime:
    return timezone.now() + timedelta(seconds=settings.EXPORT_LEASE_SECONDS)


def _claim(export_id: UUID | str) -> bool:
    """One chunk at a time: start if no chunk runs, or if the running one's lease expired (its worker died)."""
    now = timezone.now()
    free = Q(chunk_running=False) | Q(lease_until__lt=now)
    return bool(
        Export.objects.filter(free, pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).update(
            status=ExportStatus.RUNNING,
            chunk_running=True,
            lease_until=_lease(),
            started_at=Coalesce("started_at", Value(now)),
            attempts=F("attempts") + 1,
        )
    )


def _snapshot(export: Export) -> int:
    """Fix who is in the export, in name order, with unique file names. Runs once per export."""
    approved = (
        _approved(export.organization_id, export.department)
        .order_by("member__user__last_name", "member__user__first_name", "member_id")
        .values_list("pk", "member_id", "member__user__first_name", "member__user__last_name", "member__user__email")
    )
    used: set[str] = set()
    rows: list[ExportMember] = []
    with transaction.atomic():
        for position, (headshot_id, member_id, first, last, email) in enumerate(approved.iterator(chunk_size=BATCH)):
            base = slugify(f"{first} {last}".strip() or email) or str(member_id)
            name = base if base not in used else f"{base}-{str(member_id)[:8]}"
            used.add(name)
            rows.append(
                ExportMember(export=export, member_id=member_id, headshot_id=headshot_id, position=position, name=name)
            )
            if len(rows) >= BATCH:
                ExportMember.objects.bulk_create(rows)
                rows = []
        ExportMember.objects.bulk_create(rows)
        total = ExportMember.objects.filter(export=export).count()
        Export.objects.filter(pk=export.pk).update(headshot_count=total)
    return total


def _files(row: ExportMember) -> Iterator[tuple[str, bytes]]:
    """The member's master, stored as it is, then its platform sizes (made now only if approval did not)."""
    headshot = row.headshot
    if headshot is None:
        raise ApplicationError(f"The headshot of {row.name} is gone.", code="headshot_gone")
    yield f"{row.name}.jpg", media.get(headshot.storage_key)
    if not set(PLATFORM_SIZES) <= set(headshot.sizes):
        headshot = headshot_sizes_make(headshot_id=headshot.pk) or headshot
    for platform in PLATFORM_SIZES:
        yield f"sizes/{platform}/{row.name}.jpg", media.get(headshot.sizes[platform]["key"])


def _stamp(export: Export) -> tuple[int, int]:
    return zipstream.dos_time(export.created_at)


def _checkpoint(export: Export, upload: uploads.ResumableUpload, written: list[ExportMember], done: int) -> None:
    state = upload.flush()
    with transaction.atomic():
        ExportMember.objects.bulk_update(written, ["entries"], batch_size=BATCH)
        Export.objects.filter(pk=export.pk).update(upload_state=state, members_done=done, bytes_written=upload.position)
    written.clear()


def _write_members(export: Export, upload: uploads.ResumableUpload) -> bool:
    """Write members from the checkpoint on, for about one chunk; True when all are written.

    The last members stay in the upload's buffer (S3 wants parts of 5 MiB but the last):
    their entries are saved, and the directory written, in the chunk that completes it."""
    started, done = time.monotonic(), export.members_done
    part_bytes = max(settings.EXPORT_PART_BYTES, upload.min_part_bytes)
    written: list[ExportMember] = []
    rows = (
        ExportMember.objects.filter(export=export, position__gte=done)
        .select_related("headshot")
        .order_by("position")
        .iterator(chunk_size=50)
    )
    for row in rows:
        entries = []
        for name, data in _files(row):
            piece, entry = zipstream.local_file(name, data, offset=upload.position, stamp=_stamp(export))
            upload.write(piece)
            entries.append(list(entry))
        row.entries, done = entries, row.position + 1
        written.append(row)
        if upload.buffered >= part_bytes:
            _checkpoint(export, upload, written, done)
            over = done - export.members_done >= settings.EXPORT_CHUNK_MEMBERS
            if over or time.monotonic() - started >= settings.EXPORT_CHUNK_SECONDS:
                return False
    # Not a checkpoint (the buffer is not flushed): a crash from here on resumes before these rows.
    ExportMember.objects.bulk_update(written, ["entries"], batch_size=BATCH)
    export.members_done = done
    return True


def _manifest(export: Export) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_COLUMNS)
    rows = (
        ExportMember.objects.filter(export=export)
        .select_related("member__user", "headshot__reviewed_by__user")
        .order_by("position")
    )
    for row in rows.iterator(chunk_size=BATCH):
        member, headshot = row.member, row.headshot
        reviewer = headshot.reviewed_by if headshot else None
        writer.writerow(
            csv_row(
                [
                    member.display_name,
                    member.user.email,
                    member.department,
                    member.job_title,
                    f"{row.name}.jpg",
                    reviewer.user.email if reviewer else "",
                    headshot.reviewed_at.isoformat() if headshot and headshot.reviewed_at else "",
                ]
            )
        )
    return out.getvalue().encode()


def _all_entries(export: Export) -> Iterator[zipstream.Entry]:
    rows = ExportMember.objects.filter(export=export).order_by("position").values_list("entries", flat=True)
    for entries in rows.iterator(chunk_size=BATCH):
        for entry in entries:
            yield zipstream.Entry(*entry)


def _write_directory(export: Export, upload: uploads.ResumableUpload) -> None:
    piece, manifest = zipstream.local_file(
        "manifest.csv", _manifest(export), offset=upload.position, stamp=_stamp(export)
    )
    upload.write(piece)
    start, count = upload.position, 1
    for record in zipstream.central_directory(_all_entries(export), stamp=_stamp(export)):
        upload.write(record)
        count += 1
        if upload.buffered >= max(settings.EXPORT_PART_BYTES, upload.min_part_bytes):
            upload.flush()
    for record in zipstream.central_directory([manifest], stamp=_stamp(export)):
        upload.write(record)
    upload.write(zipstream.end_records(count=count, directory_offset=start, directory_size=upload.position - start))


def export_build(*, export_id: UUID | str) -> None:
    """Do one chunk of the export; enqueue the next one, or finish. Idempotent and resumable."""
    from ..tasks import build_export_task

    if not _claim(export_id):
        return
    export = Export.objects.select_related("organization").get(pk=export_id)
    key = keys.export_key(organization_id=export.organization_id, export_id=export.id)
    upload = None
    try:
        if not export.upload_state and not ExportMember.objects.filter(export=export).exists():
            if not _snapshot(export):
                raise ApplicationError("There are no approved headshots to export.")
            export.refresh_from_db()
        upload = uploads.resumable_upload(key, export.upload_state)
        finished = _write_members(export, upload)
        if finished:
            _write_directory(export, upload)
            upload.complete()
    except Exception as exc:
        log.exception("export %s failed", export_id)
        if upload is not None:
            upload.abort()
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
            lease_until=None,
            chunk_running=False,
        )
        return
    if not finished:
        # The next chunk must start within a lease too: if its message is lost, beat sends it again.
        Export.objects.filter(pk=export.pk).update(chunk_running=False, lease_until=_lease())
        build_export_task.delay(str(export.id))
        return
    _succeed(export, key, upload)


def _succeed(export: Export, key: str, upload: uploads.ResumableUpload) -> None:
    done = export.members_done
    with transaction.atomic():
        updated = Export.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.SUCCEEDED,
            storage_key=key,
            members_done=done,
            bytes_written=upload.position,
            upload_state={},
            lease_until=None,
            chunk_running=False,
            finished_at=timezone.now(),
        )
        if not updated:  # erased while it was built (the erasure deleted the row): the zip goes too
            transaction.on_commit(lambda: media.delete(key))
            return
        if updated:
            audit_event_record(
                actor=None,
                organization=export.organization,
                verb=Verb.EXPORT_BUILT,
                target=export,
                data={"headshots": done, "bytes": upload.position},
            )


def exports_resume_stalled() -> int:
    """Send again the exports that made no progress within their lease: a chunk's worker died,
    or the message for the first or next chunk was lost (a broker outage). Run by beat."""
    from ..tasks import build_export_task

    stalled = Export.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], lease_until__lt=timezone.now()
    )
    ids = [str(pk) for pk in stalled.values_list("pk", flat=True)[:100]]
    for export_id in ids:
        build_export_task.delay(export_id)
    return len(ids)


def export_download_url(*, actor: Membership, export: Export) -> str:
    if export.organization_id != actor.organization_id:
        raise NotFound("No such export.")
    if not actor.is_hr:
        raise NotAllowed("Only HR can download exports.", code="not_hr")
    if export.status != ExportStatus.SUCCEEDED:
        raise ApplicationError("This export is not ready.", code="not_ready")
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.EXPORT_DOWNLOADED, target=export)
    name = f"{actor.organization.slug}-headshots-{export.created_at:%Y%m%d}.zip"
    return media.media_url(export.storage_key, download_name=name)
