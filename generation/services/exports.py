from __future__ import annotations

import csv
import io
import zipfile

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.text import clean_text, csv_row
from generation import keys
from teams.models import Membership

from ..models import Export, ExportStatus, Headshot, ReviewState
from .downloads import headshot_sizes, platform_size_render

MANIFEST_COLUMNS = ["name", "email", "department", "title", "file", "approved_by", "approved_at"]


@transaction.atomic
def export_create(*, actor: Membership, department: str = "") -> Export:
    from ..tasks import build_export_task

    if not actor.is_hr:
        raise NotAllowed("Only HR can export team photos.", code="not_hr")
    department = clean_text(department, label="The department", max_length=120)
    approved = Headshot.objects.filter(organization=actor.organization, chosen=True, review_state=ReviewState.APPROVED)
    if department:
        approved = approved.filter(member__department=department)
    if not approved.exists():
        where = f" in {department}" if department else ""
        raise ApplicationError(f"There are no approved headshots{where} to export yet.", code="nothing_to_export")
    export = Export.objects.create(organization=actor.organization, requested_by=actor, department=department)
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.EXPORT_CREATED,
        target=export,
        data={"department": department},
    )
    transaction.on_commit(lambda: build_export_task.delay(str(export.id)))
    return export


def _approved_headshots(export: Export):
    qs = (
        Headshot.objects.filter(
            organization=export.organization,
            chosen=True,
            review_state=ReviewState.APPROVED,
            member__active=True,
        )
        .select_related("member__user", "reviewed_by__user", "job__style")
        .order_by("member__user__last_name", "member__user__first_name")
    )
    if export.department:
        qs = qs.filter(member__department=export.department)
    return list(qs)


def _zip(headshots: list[Headshot]) -> bytes:
    buffer, manifest = io.BytesIO(), io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for headshot in headshots:
            member = headshot.member
            base = slugify(member.display_name) or str(member.id)
            name = base if base not in used else f"{base}-{str(member.id)[:8]}"
            used.add(name)
            master_bytes = media.get(headshot.storage_key)
            archive.writestr(f"{name}.jpg", master_bytes, compress_type=zipfile.ZIP_STORED)
            for platform, size in headshot_sizes(headshot).items():
                sized = platform_size_render(master=master_bytes, size=size, title=f"{name}.jpg")
                archive.writestr(f"sizes/{platform}/{name}.jpg", sized, zipfile.ZIP_STORED)
            writer.writerow(
                csv_row(
                    [
                        member.display_name,
                        member.user.email,
                        member.department,
                        member.job_title,
                        f"{name}.jpg",
                        headshot.reviewed_by.user.email if headshot.reviewed_by else "",
                        headshot.reviewed_at.isoformat() if headshot.reviewed_at else "",
                    ]
                )
            )
        archive.writestr("manifest.csv", manifest.getvalue())
    return buffer.getvalue()


def export_build(*, export_id) -> None:
    """Build the zip. Idempotent: only a queued export is claimed.

    An erasure may land while the zip is built. The export names its members
    as soon as it has picked them, so the erasure finds it and deletes it; and
    the build checks again at the end, under the members' locks, that every
    headshot it packed still exists. If not, the zip is deleted, never kept.
    """
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING)
    if not claimed:
        return
    export = Export.objects.select_related("organization").get(pk=export_id)
    key = keys.export_key(organization_id=export.organization_id, export_id=export.id)
    try:
        headshots = _approved_headshots(export)
        if not headshots:
            raise ApplicationError("There are no approved headshots to export.")
        Export.objects.filter(pk=export.pk).update(member_ids=sorted({str(h.member_id) for h in headshots}))
        media.put(key, _zip(headshots))
    except Exception as exc:
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        media.delete(key)
        return
    if not _export_finish(export, key, headshots):
        media.delete(key)


ERASED_MEANWHILE = "A member in this export was erased while it was built, so it was discarded. Export again."


@transaction.atomic
def _export_finish(export: Export, key: str, headshots: list[Headshot]) -> bool:
    """Mark the export built, unless an erasure took one of its headshots (or the export) meanwhile."""
    member_ids = sorted({h.member_id for h in headshots})
    list(Membership.objects.select_for_update().filter(pk__in=member_ids).order_by("pk"))  # erasures wait
    intact = Headshot.objects.filter(
        pk__in=[h.pk for h in headshots], chosen=True, review_state=ReviewState.APPROVED
    ).count() == len(headshots)
    running = Export.objects.filter(pk=export.pk, status=ExportStatus.RUNNING)
    if not intact:
        running.update(status=ExportStatus.FAILED, error=ERASED_MEANWHILE, member_ids=[], finished_at=timezone.now())
        audit_event_record(actor=None, organization=export.organization, verb=Verb.EXPORT_DISCARDED, target=export)
        return False
    built = running.update(
        status=ExportStatus.SUCCEEDED,
        storage_key=key,
        headshot_count=len(headshots),
        finished_at=timezone.now(),
    )
    if built:
        audit_event_record(
            actor=None,
            organization=export.organization,
            verb=Verb.EXPORT_BUILT,
            target=export,
            data={"headshots": len(headshots)},
        )
    return bool(built)


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
