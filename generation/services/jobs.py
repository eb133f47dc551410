from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
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
from .heartbeat import Heartbeat
from .selfies import descriptor_of, selfies_release_after_render

log = logging.getLogger(__name__)


def _enqueue_render(job: GenerationJob) -> None:
    # The job row, written in this transaction, is the outbox: it is sent after commit, and a
    # row the broker never took (outage, restart) is sent again by jobs_sweep.
    transaction.on_commit(lambda: job_dispatch(job_id=job.id))


def job_dispatch(*, job_id: uuid.UUID | str) -> bool:
    """Send a queued job to its queue. A broker that is down is logged, not raised: the
    request that made the job has already committed, and the sweep sends it again."""
    from ..tasks import render_job_task

    job = GenerationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).only("id", "engine").first()
    if job is None:
        return False
    GenerationJob.objects.filter(pk=job_id).update(dispatched_at=timezone.now(), dispatches=F("dispatches") + 1)
    queue = "gpu" if job.engine == Engine.DIFFUSION else "default"
    try:
        render_job_task.apply_async(args=[str(job_id)], queue=queue, retry_policy=PUBLISH_RETRY)
    except Exception as exc:  # kombu's OperationalError, redis' ConnectionError, ...
        if render_job_task.app.conf.task_always_eager:
            raise  # in-process: this is the render failing, not a broker
        log.warning("job %s: the broker refused it (%s); the sweep will send it again", job_id, exc)
        GenerationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(dispatched_at=None)
        return False
    return True


PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


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
    if job.member.jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exclude(pk=job.pk).exists():
        raise ApplicationError("Another job for this person is in progress.", code="job_in_progress")
    claimed = GenerationJob.objects.filter(pk=job.pk, status__in=[JobStatus.FAILED, JobStatus.CANCELLED]).update(
        status=JobStatus.QUEUED,
        error="",
        finished_at=None,
        progress_step=0,
        lost_runs=0,
        dispatches=0,
        dispatched_at=None,
        claim=None,
        heartbeat_at=None,
    )
    if not claimed:
        raise ApplicationError("Only a failed or cancelled job can be retried.", code="not_failed")
    job.refresh_from_db()
    audit_event_record(actor=actor, organization=job.organization, verb=Verb.JOB_RETRIED, target=job)
    _enqueue_render(job)
    return job


@transaction.atomic
def job_cancel(*, actor: Membership, job: GenerationJob) -> GenerationJob:
    """The member (or HR) stops a queued or running job, for example one that is not progressing.
    A worker still rendering it sees the status before it writes anything and stops."""
    if job.member_id != actor.id and not (actor.is_hr and job.organization_id == actor.organization_id):
        raise NotFound("No such job.")
    cancelled = GenerationJob.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, error="Cancelled at your request.", finished_at=timezone.now()
    )
    if not cancelled:
        raise ApplicationError("Only a queued or running job can be cancelled.", code="not_in_progress")
    job.refresh_from_db()
    audit_event_record(actor=actor, organization=job.organization, verb=Verb.JOB_CANCELLED, target=job)
    return job


def job_cancel_for_member(*, member: Membership, reason: str) -> int:
    """Cancel every queued or running job of a member (erasure, withdrawal).

    A running worker sees the new status before it writes and stops.
    """
    return GenerationJob.objects.filter(member=member, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, error=reason, finished_at=timezone.now()
    )


def _claim(job_id: uuid.UUID | str) -> uuid.UUID | None:
    """Conditional update: exactly one worker moves a job from queued to running, under a new
    claim id. A job whose worker died is put back to queued by jobs_sweep, never taken over
    here, so a redelivered message cannot run beside a live worker."""
    claim, now = uuid.uuid4(), timezone.now()
    claimed = GenerationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, claim=claim, attempts=F("attempts") + 1
    )
    return claim if claimed else None


def _mine(job_id: uuid.UUID | str, claim: uuid.UUID | None) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, claim=claim)


def _still_running(job_id: uuid.UUID | str, claim: uuid.UUID | None) -> bool:
    return _mine(job_id, claim).exists()


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
    measured: dict[str, guards.GuardResult] = {}  # by likeness_key: the same face pixels are measured once
    for attempt in range(MAX_ATTEMPTS):
        if not pending:
            break
        rendered = engine.render(request, pending, attempt=attempt, progress=_progress(job.id, job.claim))
        pending = []
        for variant in rendered:
            result = measured.get(variant.likeness_key or "") or guards.check_output(
                variant.image,
                reference,
                likeness_threshold=org.likeness_threshold,
                skin_threshold=org.skin_tone_threshold,
                face=variant.face,
            )
            if variant.likeness_key:
                measured[variant.likeness_key] = result
            if result.passed:
                variant.meta["guards"] = result.figures
                passed.append(variant)
            else:
                failures.append(
                    {"variant": variant.index, "attempt": attempt, "failed": result.failures, **result.figures}
                )
                pending.append(variant.index)
    return passed, {"guard_failures": failures, "not_rendered": pending}


def _progress(job_id: uuid.UUID | str, claim: uuid.UUID | None) -> Callable[[int, int], None]:
    def report(step: int, total: int) -> None:
        _mine(job_id, claim).update(progress_step=step, progress_total=total, heartbeat_at=timezone.now())

    return report


def _finish(job: GenerationJob, status: str, error: str = "") -> None:
    updated = _mine(job.pk, job.claim).update(status=status, error=error[:2000], finished_at=timezone.now())
    if updated:
        audit_event_record(
            actor=None,
            organization=job.organization,
            verb=Verb.JOB_SUCCEEDED if status == JobStatus.SUCCEEDED else Verb.JOB_FAILED,
            target=job,
            data={"error": error[:500]} if error else {},
        )


def job_run(*, job_id: uuid.UUID | str, heartbeat: bool = False) -> None:
    """Render a queued job. Safe to call twice: only one caller claims it.

    With ``heartbeat`` (in a worker) a thread touches the job every JOB_HEARTBEAT_SECONDS
    while it runs; when the process dies the heartbeat stops and jobs_sweep takes over."""
    claim = _claim(job_id)
    if claim is None:
        return
    beat = Heartbeat(job_id, claim) if heartbeat else None
    try:
        _run_claimed(job_id, claim)
    finally:
        if beat is not None:
            beat.stop()


def _run_claimed(job_id: uuid.UUID | str, claim: uuid.UUID) -> None:
    job = GenerationJob.objects.select_related("member__organization", "style", "organization").get(pk=job_id)
    job.claim = claim  # ours, whatever the row says by now
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
    _mine(job.pk, job.claim).update(report=report)
    if not rendered:
        _finish(
            job, JobStatus.FAILED, f"No output passed the likeness and skin-tone checks in {MAX_ATTEMPTS} attempts."
        )
        return
    _store(job, rendered)


def _store(job: GenerationJob, rendered: list[Any]) -> None:
    for variant in rendered:
        if not _still_running(job.id, job.claim):  # cancelled, erased or given up on: write nothing
            return
        key = keys.headshot_key(
            organization_id=job.organization_id,
            member_id=job.member_id,
            job_id=job.id,
            variant_index=variant.index,
        )
        term = variant.meta.get("digital_source_type", STUDIO_COMPOSITE)
        media.put(key, disclose_jpeg(variant.image, term=term, title=f"headshot-{variant.index}.jpg"))
        if not _still_running(job.id, job.claim):  # erased while we wrote: take the write back
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
        if not _still_running(job.id, job.claim):
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
