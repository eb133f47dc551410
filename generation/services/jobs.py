from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from compliance.biometric import BiometricGrant, biometric_grant
from compliance.services import ConsentRequired, consent_require
from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from generation import keys
from teams.mail import mail_after_commit, site_link
from teams.models import Membership

from ..engines import RenderError, RenderInput, StyleSpec, get_engine
from ..engines.base import Engine as RenderEngine
from ..imaging import guards
from ..imaging.disclosure import STUDIO_COMPOSITE, disclose_jpeg
from ..imaging.io import open_rgb
from ..models import BrandStyle, Engine, GenerationJob, Headshot, JobStatus
from .selfies import descriptor_of, selfies_release_after_render

log = logging.getLogger(__name__)


def _enqueue_render(job: GenerationJob) -> None:
    from ..tasks import render_job_task

    queue = "gpu" if job.engine == Engine.DIFFUSION else "default"
    transaction.on_commit(lambda: render_job_task.apply_async(args=[str(job.id)], queue=queue))


def job_enqueue(*, actor: Membership, member: Membership | None = None, idempotency_key: str = "") -> GenerationJob:
    """Ask for headshots of ``member`` (default: the actor) in the current brand style.

    The same idempotency key twice returns the first job.
    """
    member = member or actor
    if member.id != actor.id and not actor.is_hr:
        raise NotAllowed("You can only request your own headshots.", code="not_allowed")
    if member.organization_id != actor.organization_id:
        raise NotFound("No such member.")
    key = (idempotency_key or "").strip()[:100] or f"auto-{uuid.uuid4()}"
    with transaction.atomic():
        existing = GenerationJob.objects.filter(member=member, idempotency_key=key).first()
        if existing:
            return existing
        consent_require(member=member)
        if not member.selfies.filter(usable=True).exists():
            raise ApplicationError(
                "Upload at least one selfie that passes the checklist first.", code="no_usable_selfies"
            )
        if member.jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
            raise ApplicationError("A job for you is already in progress.", code="job_in_progress")
        style = BrandStyle.objects.get(organization=member.organization, is_current=True)
        job = GenerationJob.objects.create(
            organization=member.organization,
            member=member,
            style=style,
            engine=style.engine,
            idempotency_key=key,
            requested_by=actor,
            progress_total=style.variant_count,
        )
        audit_event_record(
            actor=actor,
            organization=member.organization,
            verb=Verb.JOB_CREATED,
            target=job,
            data={"engine": job.engine, "style_version": style.version},
        )
        _enqueue_render(job)
    return job


@transaction.atomic
def job_retry(*, actor: Membership, job: GenerationJob) -> GenerationJob:
    if job.member_id != actor.id and not (actor.is_hr and job.organization_id == actor.organization_id):
        raise NotFound("No such job.")
    claimed = GenerationJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, error="", finished_at=None, progress_step=0
    )
    if not claimed:
        raise ApplicationError("Only a failed job can be retried.", code="not_failed")
    job.refresh_from_db()
    audit_event_record(actor=actor, organization=job.organization, verb=Verb.JOB_RETRIED, target=job)
    _enqueue_render(job)
    return job


def job_cancel_for_member(*, member: Membership, reason: str) -> int:
    """Cancel every queued or running job of a member (erasure, withdrawal).

    A running worker sees the new status before it writes and stops.
    """
    return GenerationJob.objects.filter(member=member, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, error=reason, finished_at=timezone.now()
    )


def _claim(job_id: UUID | str) -> bool:
    """Conditional update: exactly one worker moves a job from queued to running.

    A job still "running" past the hard task time limit was abandoned by a
    worker that died (acks_late then redelivers its task after the Redis
    visibility timeout): the redelivery may claim it again.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import F, Q

    abandoned = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, started_at__lt=abandoned)
    return bool(
        GenerationJob.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def _still_running(job_id: UUID | str) -> bool:
    return GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).exists()


def _seed_key(job: GenerationJob) -> str:
    raw = f"{job.member_id}:{job.style_id}:{job.style.version}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


MAX_ATTEMPTS = 3  # renders per variant: the first and at most two replacements
RENDER_LONG_SIDE = 2000  # selfies are decoded at no less than this: plenty for a 1024 px master


def _load_photos(job: GenerationJob, grant: BiometricGrant) -> tuple[list[Image.Image], guards.Reference | None]:
    """The usable selfies, and the reference the guards compare outputs with.

    ``grant`` (compliance.biometric) is the only way to the member's pixels and descriptors."""
    selfies = list(job.member.selfies.filter(usable=True).order_by("uploaded_at"))
    photos = [open_rgb(media.get(s.storage_key, grant=grant), min_long_side=RENDER_LONG_SIDE) for s in selfies]
    descriptors, labs = [], []
    for selfie, photo in zip(selfies, photos, strict=True):
        descriptor, lab = descriptor_of(selfie, grant=grant), selfie.skin_lab
        if descriptor is None:  # a selfie stored before descriptors were kept
            descriptor, lab = guards.measure(photo)
        if descriptor is not None:
            descriptors.append(descriptor)
            labs.append(lab)
    return photos, (guards.Reference.from_selfies(descriptors, labs) if descriptors else None)


def _render_guarded(
    job: GenerationJob, engine: RenderEngine, request: RenderInput, reference: guards.Reference | None
) -> tuple[list[Any], dict[str, Any]]:
    """Render every variant; an output that fails a guard is recorded and rendered again,
    at most MAX_ATTEMPTS times. Works the same for every engine."""
    if reference is None:
        raise RenderError("no face found in any selfie to compare the outputs with")
    org = job.organization
    pending, passed, failures = list(range(job.style.variant_count)), [], []
    for attempt in range(MAX_ATTEMPTS):
        if not pending:
            break
        rendered = engine.render(request, pending, attempt=attempt, progress=_progress(job.id))
        pending = []
        for variant in rendered:
            result = guards.check_output(
                variant.image,
                reference,
                likeness_threshold=org.likeness_threshold,
                skin_threshold=org.skin_tone_threshold,
            )
            if result.passed:
                variant.meta["guards"] = result.figures
                passed.append(variant)
            else:
                failures.append(
                    {"variant": variant.index, "attempt": attempt, "failed": result.failures, **result.figures}
                )
                pending.append(variant.index)
    return passed, {"guard_failures": failures, "not_rendered": pending}


def _progress(job_id: UUID | str) -> Callable[[int, int], None]:
    def report(step: int, total: int) -> None:
        GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            progress_step=step, progress_total=total
        )

    return report


def _finish(job: GenerationJob, status: str, error: str = "") -> None:
    updated = GenerationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=status, error=error[:2000], finished_at=timezone.now()
    )
    if updated:
        audit_event_record(
            actor=None,
            organization=job.organization,
            verb=Verb.JOB_SUCCEEDED if status == JobStatus.SUCCEEDED else Verb.JOB_FAILED,
            target=job,
            data={"error": error[:500]} if error else {},
        )


def job_run(*, job_id: UUID | str) -> None:
    """Render a queued job. Safe to call twice: only one caller claims it."""
    if not _claim(job_id):
        return
    job = GenerationJob.objects.select_related("member__organization", "style", "organization").get(pk=job_id)
    try:
        grant = biometric_grant(member=job.member)  # refuses without an active consent
        photos, reference = _load_photos(job, grant)
        request = RenderInput(photos=photos, style=StyleSpec.from_model(job.style), seed_key=_seed_key(job))
        rendered, report = _render_guarded(job, get_engine(job.engine), request, reference)
    except ConsentRequired:
        _finish(job, JobStatus.FAILED, "Consent was withdrawn; nothing was rendered.")
        return
    except RenderError as exc:
        _finish(job, JobStatus.FAILED, f"Rendering failed: {exc}")
        return
    except Exception as exc:  # an engine bug must not leave a job running forever
        log.exception("job %s crashed", job_id)
        _finish(job, JobStatus.FAILED, f"Rendering crashed: {exc.__class__.__name__}: {exc}")
        return
    GenerationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(report=report)
    if not rendered:
        _finish(
            job, JobStatus.FAILED, f"No output passed the likeness and skin-tone checks in {MAX_ATTEMPTS} attempts."
        )
        return
    _store(job, rendered)


def _store(job: GenerationJob, rendered: list[Any]) -> None:
    for variant in rendered:
        if not _still_running(job.id):  # cancelled or erased while we rendered: write nothing
            return
        key = keys.headshot_key(
            organization_id=job.organization_id,
            member_id=job.member_id,
            job_id=job.id,
            variant_index=variant.index,
        )
        term = variant.meta.get("digital_source_type", STUDIO_COMPOSITE)
        media.put(key, disclose_jpeg(variant.image, term=term, title=f"headshot-{variant.index}.jpg"))
        if not _still_running(job.id):  # erased while we wrote: take the write back
            media.delete(key)
            return
        Headshot.objects.update_or_create(
            job=job,
            variant_index=variant.index,
            defaults={
                "organization": job.organization,
                "member": job.member,
                "storage_key": key,
                "width": variant.image.width,
                "height": variant.image.height,
                "guards": variant.meta.get("guards", {}),
            },
        )
    with transaction.atomic():
        if not _still_running(job.id):
            return
        _finish(job, JobStatus.SUCCEEDED)
        selfies_release_after_render(job=job)
        mail_after_commit(
            message="headshots_ready",
            to=job.member.user.email,
            context={
                "name": job.member.display_name,
                "count": len(rendered),
                "link": site_link(reverse("generation:job-detail", kwargs={"job_id": job.id})),
            },
        )
