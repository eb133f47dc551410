"""Generation's personal data, for compliance's registry: selfies (with face descriptors and
cut-outs), jobs and their guard reports, headshots, exports, and the styles a member made.

Registered in ``GenerationConfig.ready()``; compliance calls it for erasure, the
data-subject export and the retention sweep, and never reads these tables itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from compliance.biometric import subject_access_grant
from compliance.models import BIPA_CEILING_DAYS, RetentionPolicy
from compliance.personal_data import Due, Erased, Exported
from compliance.services import retention_policy_get
from core import media
from teams.models import Membership, Organization

from . import keys
from .models import BrandStyle, Export, ExportMember, ExportStatus, GenerationJob, Headshot, JobStatus, Selfie
from .selectors import exports_containing, jobs_visible_to, review_queue, selfies_of
from .services import job_cancel_for_member


def _day(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "never"


class GenerationData:
    # BrandStyle.created_by names the admin who made a style: kept (the style is the organisation's).
    models = (Selfie, GenerationJob, Headshot, Export, ExportMember, BrandStyle)  # ExportMember goes with its Export

    def stop(self, *, member: Membership, reason: str) -> int:
        return job_cancel_for_member(member=member, reason=reason)

    def erase(self, *, member: Membership) -> Erased:
        with transaction.atomic():
            selfies = list(member.selfies.all())
            headshots = list(member.headshots.all())
            object_keys = [s.storage_key for s in selfies] + [h.storage_key for h in headshots]
            object_keys += [made["key"] for h in headshots for made in (h.sizes or {}).values()]
            counts = {
                "selfies": len(selfies),
                "descriptors": sum(1 for s in selfies if s.descriptor),
                "headshots": len(headshots),
            }
            member.selfies.all().delete()
            member.headshots.all().delete()
            # Guard figures compare faces; they go with the faces.
            GenerationJob.objects.filter(member=member).exclude(report={}).update(report={})
        counts["exports"], failed = self._erase_exports(member)
        return Erased(counts=counts, keys=object_keys, failed=failed)

    def _erase_exports(self, member: Membership) -> tuple[int, int]:
        """Exports live outside the member's prefix: a row goes only once its zip is gone,
        so a failed delete is found again by the retry."""
        deleted = failed = 0
        for export in exports_containing(member=member):
            # A running export has no storage_key yet but may be writing its zip: delete where it goes.
            key = export.storage_key or keys.export_key(organization_id=export.organization_id, export_id=export.pk)
            try:
                media.delete(key)
            except Exception:  # retried by the sweep: the row stays
                failed += 1
                continue
            export.delete()
            deleted += 1
        return deleted, failed

    def export(self, *, member: Membership) -> Exported:
        part = Exported()
        grant = subject_access_grant(member=member)
        selfies, headshots = [], []
        for selfie in member.selfies.order_by("uploaded_at"):
            part.files[f"selfies/{selfie.pk}.jpg"] = media.get(selfie.storage_key, grant=grant)
            selfies.append({"id": str(selfie.pk), "uploaded_at": selfie.uploaded_at, "checks": selfie.checks})
        for headshot in member.headshots.order_by("created_at"):
            part.files[f"headshots/{headshot.pk}.jpg"] = media.get(headshot.storage_key)
            headshots.append(
                {
                    "id": str(headshot.pk),
                    "created_at": headshot.created_at,
                    "chosen": headshot.chosen,
                    "review_state": headshot.review_state,
                    "guards": headshot.guards,
                }
            )
        part.records = {"selfies": selfies, "headshots": headshots}
        policy = retention_policy_get(organization=member.organization)
        last = member.jobs.filter(finished_at__isnull=False).order_by("-finished_at").first()
        if last and last.finished_at:
            part.retention["selfies_deleted_after"] = last.finished_at + timedelta(days=policy.selfie_days)
        else:
            part.retention["selfies_deleted_after"] = "3 years after upload unless a job uses them first"
        return part

    def owned_keys(self) -> set[str]:
        keys: list[str | None] = [
            *Selfie.objects.values_list("storage_key", flat=True),
            *Headshot.objects.values_list("storage_key", flat=True),
            *Export.objects.exclude(storage_key="").values_list("storage_key", flat=True),
        ]
        return {k for k in keys if k}

    def due(self, *, organization: Organization, policy: RetentionPolicy, now: datetime) -> list[Due]:
        return [
            Due(
                "selfie",
                "selfies",
                selfies_due(organization=organization, policy=policy, now=now),
                keys.selfie_object_keys,
                lambda s: (
                    f"last job finished {_day(s.last_finished)}, policy {policy.selfie_days} days"
                    if s.last_finished and s.last_finished >= s.uploaded_at
                    else f"uploaded {_day(s.uploaded_at)}, never rendered: BIPA ceiling {BIPA_CEILING_DAYS} days"
                ),
            ),
            Due(
                "rejected_selfie",
                "rejected_selfies",
                rejected_selfies_due(organization=organization, policy=policy, now=now),
                keys.selfie_object_keys,
                lambda s: (
                    f"failed the checklist, uploaded {_day(s.uploaded_at)}, policy {policy.rejected_selfie_days} days"
                ),
            ),
            Due(
                "unchosen_headshot",
                "unchosen_headshots",
                unchosen_due(organization=organization, policy=policy, now=now),
                lambda h: [h.storage_key],
                lambda h: f"made {_day(h.created_at)}, not chosen, policy {policy.unchosen_days} days",
            ),
            Due(
                "export",
                "exports",
                exports_due(organization=organization, policy=policy, now=now),
                lambda e: [e.storage_key] if e.storage_key else [],
                lambda e: f"built {_day(e.finished_at or e.created_at)}, policy {policy.export_days} days",
            ),
        ]


def selfies_due(*, organization: Organization, policy: RetentionPolicy, now: datetime) -> QuerySet[Any]:
    """Selfies (with their descriptors) past N days after the member's last finished job.

    A selfie uploaded after that job has not been used yet; it goes at the
    BIPA ceiling (3 years after upload) if no job ever uses it.
    """
    jobs = GenerationJob.objects.filter(member=OuterRef("member"))
    last_finished = jobs.filter(finished_at__isnull=False).order_by("-finished_at").values("finished_at")[:1]
    busy = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    # A job in progress holds its selfies back, but never past the legal ceiling: a job that
    # hung (or a bug that left one "running") must not keep a photo beyond BIPA's three years.
    return (
        Selfie.objects.filter(organization=organization)
        .annotate(last_finished=Subquery(last_finished), busy=Exists(busy))
        .filter(
            Q(
                busy=False,
                last_finished__lte=now - timedelta(days=policy.selfie_days),
                last_finished__gte=F("uploaded_at"),
            )
            | Q(uploaded_at__lte=now - timedelta(days=BIPA_CEILING_DAYS))
        )
    )


def rejected_selfies_due(*, organization: Organization, policy: RetentionPolicy, now: datetime) -> QuerySet[Selfie]:
    """Photos that failed the checklist, R days after upload (policy, default 1)."""
    cutoff = now - timedelta(days=policy.rejected_selfie_days)
    return Selfie.objects.filter(organization=organization, usable=False, uploaded_at__lte=cutoff)


def unchosen_due(*, organization: Organization, policy: RetentionPolicy, now: datetime) -> QuerySet[Headshot]:
    cutoff = now - timedelta(days=policy.unchosen_days)
    return Headshot.objects.filter(
        organization=organization,
        chosen=False,
        created_at__lte=cutoff,
    ).exclude(job__status=JobStatus.RUNNING)


def exports_due(*, organization: Organization, policy: RetentionPolicy, now: datetime) -> QuerySet[Export]:
    cutoff = now - timedelta(days=policy.export_days)
    return Export.objects.filter(
        organization=organization, status__in=[ExportStatus.SUCCEEDED, ExportStatus.FAILED]
    ).filter(Q(finished_at__lte=cutoff) | Q(finished_at__isnull=True, created_at__lte=cutoff))


def home_section(actor: Membership) -> dict[str, object]:
    """Selfies, jobs, the chosen headshot and the review queue, for the home page."""
    return {
        "selfies": selfies_of(actor=actor),
        "usable_count": selfies_of(actor=actor).filter(usable=True).count(),
        "jobs": jobs_visible_to(actor=actor).filter(member=actor)[:5],
        "chosen": actor.headshots.filter(chosen=True).select_related("job").first(),
        "pending_reviews": review_queue(actor=actor).count() if actor.is_hr else 0,
    }
