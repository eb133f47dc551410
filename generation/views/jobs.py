"""A member's headshot job: request, live progress, failure in words, retry, cancel, choosing a variant."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.http import AppRequest
from teams.access import invalid, member_view, refuse
from teams.models import Membership

from .. import services
from ..forms import JobRequestForm
from ..models import GenerationJob, JobStatus
from ..selectors import (
    headshots_visible_to,
    jobs_visible_to,
)
from . import url_or_none


@require_POST
@member_view()
def job_request(request: AppRequest, actor: Membership) -> HttpResponse:
    try:
        form = JobRequestForm(request.POST)
        if not form.is_valid():
            raise invalid(form)
        job = services.job_enqueue(actor=actor, idempotency_key=form.cleaned_data["idempotency_key"])
    except ApplicationError as exc:
        refuse(request, exc)
        return redirect("generation:selfies")
    return redirect("generation:job-detail", job_id=job.id)


@member_view()
def job_detail(request: AppRequest, actor: Membership, job_id: UUID) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    headshots = [
        (headshot, url_or_none(services.headshot_view_url, actor=actor, headshot=headshot))
        for headshot in job.headshots.order_by("variant_index")
    ]
    context = {
        "job": job,
        "headshots": headshots,
        "own": job.member_id == actor.id,
        "in_progress": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "percent": _job_percent(job),
        "step_name": _step_name(job),
        "failure": human_failure(job) if job.status in (JobStatus.FAILED, JobStatus.CANCELLED) else "",
    }
    template = "generation/_job_body.html" if request.htmx else "generation/job_detail.html"
    return render(request, template, context)


def _job_percent(job: GenerationJob) -> int:
    if job.status == JobStatus.SUCCEEDED:
        return 100
    if not job.progress_total:
        return 0
    return min(99, round(100 * job.progress_step / job.progress_total))


def _step_name(job: GenerationJob) -> str:
    if job.status == JobStatus.QUEUED:
        return "Waiting for a free worker"
    if job.status != JobStatus.RUNNING:
        return job.get_status_display()
    step = (job.report or {}).get("step_name")
    if step:
        return str(step)
    return f"Rendering variant {min(job.progress_step + 1, job.progress_total or 1)} of {job.progress_total or 1}"


def human_failure(job: GenerationJob) -> str:
    """What an employee reads when a job fails; the technical detail stays in job.error for staff."""
    error = (job.error or "").lower()
    if "consent" in error:
        return "Your consent was withdrawn, so the job stopped. Give consent again to render headshots."
    if "likeness" in error:
        return (
            "None of the headshots looked enough like you, so we kept them back. "
            "Try again, or upload sharper, front-facing selfies first."
        )
    if "selfie" in error or "face" in error or "usable" in error:
        return "We could not use your selfies for this job. Upload clear photos of yourself and try again."
    if "cancel" in error or job.status == JobStatus.CANCELLED:
        return "This job was cancelled."
    if "machine doing it was lost" in error:  # generation.services.sweep
        return (
            "The computer rendering your headshots stopped part-way (it ran out of memory or was restarted) "
            "several times, so we stopped trying. Try again; if it fails again, try other selfies."
        )
    if "could not be started" in error:
        return "The render could not be started because the job queue was unavailable. Try again."
    return "Something went wrong on our side while rendering. Try again; if it fails again, tell your HR team."


def _act_on_job(request: AppRequest, actor: Membership, job_id: UUID, action: Callable[..., object]) -> HttpResponse:
    """Run a job service (retry, cancel) on a job the actor may see, then show the job."""
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    try:
        action(actor=actor, job=job)
    except ApplicationError as exc:
        refuse(request, exc)
    return redirect("generation:job-detail", job_id=job.id)


@require_POST
@member_view()
def job_retry(request: AppRequest, actor: Membership, job_id: UUID) -> HttpResponse:
    return _act_on_job(request, actor, job_id, services.job_retry)


@require_POST
@member_view()
def job_cancel(request: AppRequest, actor: Membership, job_id: UUID) -> HttpResponse:
    return _act_on_job(request, actor, job_id, services.job_cancel)


@require_POST
@member_view()
def headshot_choose(request: AppRequest, actor: Membership, headshot_id: UUID) -> HttpResponse:
    own = headshots_visible_to(actor=actor).filter(member=actor)
    headshot = get_object_or_404(own, pk=headshot_id)
    try:
        services.headshot_choose(actor=actor, headshot=headshot)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, "Your favourite is chosen; HR will review it.")
    return redirect("generation:job-detail", job_id=headshot.job_id)
