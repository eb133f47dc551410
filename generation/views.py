from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from compliance.services import consent_active
from core.exceptions import ApplicationError
from core.http import AppRequest
from core.pagination import page_number, page_of
from teams.access import invalid, member_view, refuse
from teams.models import Membership
from teams.selectors import members_of

from . import services
from .forms import BulkApproveForm, ExportForm, JobRequestForm, RejectForm
from .models import GenerationJob, JobStatus, Selfie
from .platform_sizes import PLATFORM_LABELS
from .selectors import (
    exports_of,
    headshots_visible_to,
    jobs_visible_to,
    reference_selfies,
    review_queue,
    selfies_of,
)
from .services.downloads import Download
from .services.selfies import MAX_SELFIES

# --- Pages -----------------------------------------------------------------
# Employees: selfies, jobs, choosing. HR: the review queue and exports.
# Every query starts from the actor's organisation (generation.selectors).


def _url_or_none(make_url: Callable[..., str], **kwargs: Any) -> str | None:
    try:
        return make_url(**kwargs)
    except ApplicationError:
        return None


def _selfie_items(actor: Membership) -> list[dict[str, Any]]:
    """Each selfie with its link and its checks, failures first (and unusable photos first)."""
    selfies = sorted(selfies_of(actor=actor), key=lambda s: (s.usable, -s.uploaded_at.timestamp()))
    return [_selfie_item(actor, selfie) for selfie in selfies]


def _selfie_item(actor: Membership, selfie: Selfie) -> dict[str, Any]:
    checks = (selfie.checks or {}).get("checks") or []
    failed = [_with_photos(actor, c) for c in checks if not c.get("passed")]
    return {
        "selfie": selfie,
        "url": _url_or_none(services.selfie_view_url, actor=actor, selfie=selfie),
        "failed": failed,
        "passed": [c for c in checks if c.get("passed")],
        "pending": not selfie.is_checked,
    }


def _with_photos(actor: Membership, check: dict[str, Any]) -> dict[str, Any]:
    """A failed check that names other photos (a duplicate, another person) shows them, not their dates."""
    refs = check.get("refs") or []
    others = selfies_of(actor=actor).filter(pk__in=refs) if refs else []
    photos = [(other, _url_or_none(services.selfie_view_url, actor=actor, selfie=other)) for other in others]
    return check | {"photos": [(other, url) for other, url in photos if url]}


@member_view()
def selfies(request: AppRequest, actor: Membership) -> HttpResponse:
    if request.method == "POST":
        if request.htmx:
            return _upload_one(request, actor)
        _upload(request, actor)
        return redirect("generation:selfies")
    items = _selfie_items(actor)
    return render(
        request,
        "generation/_selfie_area.html" if request.htmx else "generation/selfies.html",
        {
            "items": items,
            "consent": consent_active(member=actor),
            "job_key": uuid.uuid4(),
            "usable_count": sum(1 for item in items if item["selfie"].usable),
            "max_selfies": MAX_SELFIES,
        },
    )


def _upload(request: AppRequest, actor: Membership) -> None:
    """Each file is checked on its own: a refused file is reported and stores nothing."""
    files = request.FILES.getlist("photos")
    if not files:
        messages.error(request, "Choose at least one photo to upload.")
    for upload in files:
        try:
            selfie = services.selfie_upload(actor=actor, data=upload.read())
        except ApplicationError as exc:
            messages.error(request, f"{upload.name}: {exc.message}")
            continue
        selfie.refresh_from_db()  # where tasks run in-process (embedded defaults) the checklist is done
        if not selfie.is_checked:
            messages.info(request, f"{upload.name}: uploaded; the checklist is running (reload to see it).")
        elif selfie.usable:
            messages.success(request, f"{upload.name}: uploaded, and it passes the checklist.")
        else:
            note = "uploaded, but it cannot be used (see why below)."
            messages.warning(request, f"{upload.name}: {note}")


def _upload_one(request: AppRequest, actor: Membership) -> HttpResponse:
    """One file from the upload page's script: its card with the checklist, or the refusal."""
    upload = request.FILES.get("photos")
    if upload is None:
        return render(request, "generation/_upload_refused.html", {"name": "", "message": "Choose a photo."})
    try:
        selfie = services.selfie_upload(actor=actor, data=upload.read())
    except ApplicationError as exc:
        context = {"name": upload.name, "message": exc.message}
        return render(request, "generation/_upload_refused.html", context)
    item = _selfie_item(actor, selfie)
    return render(request, "generation/_selfie_card.html", {"item": item, "name": upload.name, "tag": "li"})


@member_view()
def selfie_card(request: AppRequest, actor: Membership, selfie_id: uuid.UUID) -> HttpResponse:
    """A selfie's card; polled while its checklist is still running in the background."""
    selfie = get_object_or_404(selfies_of(actor=actor), pk=selfie_id)
    response = render(request, "generation/_selfie_card.html", {"item": _selfie_item(actor, selfie), "tag": "li"})
    if request.htmx and selfie.is_checked:
        # The checklist arrived: the selfie area reloads, so the render button counts this photo.
        response["HX-Trigger"] = "refresh"
    return response


@require_POST
@member_view()
def selfie_delete(request: AppRequest, actor: Membership, selfie_id: UUID) -> HttpResponse:
    selfie = get_object_or_404(selfies_of(actor=actor), pk=selfie_id)
    services.selfie_delete(actor=actor, selfie=selfie)
    messages.success(request, "The selfie was deleted.")
    return redirect("generation:selfies")


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
        (headshot, _url_or_none(services.headshot_view_url, actor=actor, headshot=headshot))
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


@require_POST
@member_view()
def job_retry(request: AppRequest, actor: Membership, job_id: UUID) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    try:
        services.job_retry(actor=actor, job=job)
    except ApplicationError as exc:
        refuse(request, exc)
    return redirect("generation:job-detail", job_id=job.id)


@require_POST
@member_view()
def job_cancel(request: AppRequest, actor: Membership, job_id: UUID) -> HttpResponse:
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    try:
        services.job_cancel(actor=actor, job=job)
    except ApplicationError as exc:
        refuse(request, exc)
    return redirect("generation:job-detail", job_id=job.id)


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


@member_view("hr")
def review(request: AppRequest, actor: Membership) -> HttpResponse:
    page = page_of(request, review_queue(actor=actor).order_by("chosen_at", "pk"))
    items = []
    selfies = reference_selfies(actor=actor, members=[h.member for h in page])  # one query for the page
    for headshot in page:
        selfie = selfies.get(headshot.member_id)
        items.append(
            {
                "headshot": headshot,
                "url": _url_or_none(services.headshot_view_url, actor=actor, headshot=headshot),
                "selfie_url": selfie and _url_or_none(services.selfie_view_url, actor=actor, selfie=selfie),
            }
        )
    return render(request, "generation/review.html", {"items": items, "page": page})


def _back_to_review(request: AppRequest) -> HttpResponse:
    # The same slice of the queue, not the whole queue again: a review costs the same at any size.
    return redirect(f"{reverse('generation:review')}?page={page_number(request.POST)}")


@require_POST
@member_view("hr")
def review_approve(request: AppRequest, actor: Membership, headshot_id: UUID) -> HttpResponse:
    headshot = get_object_or_404(headshots_visible_to(actor=actor), pk=headshot_id)
    try:
        services.headshot_approve(actor=actor, headshot=headshot)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"Approved the headshot of {headshot.member.display_name}.")
    return _back_to_review(request)


@require_POST
@member_view("hr")
def review_bulk_approve(request: AppRequest, actor: Membership) -> HttpResponse:
    form = BulkApproveForm(request.POST, actor=actor)
    if not form.is_valid():
        messages.error(request, form.problem())
        return _back_to_review(request)
    approved = 0
    for headshot in form.cleaned_data["headshots"]:
        try:
            services.headshot_approve(actor=actor, headshot=headshot)
        except ApplicationError as exc:
            messages.error(request, f"{headshot.member.display_name}: {exc.message}")
        else:
            approved += 1
    messages.success(request, f"Approved {approved} headshot{'s' if approved != 1 else ''}.")
    return _back_to_review(request)


@require_POST
@member_view("hr")
def review_reject(request: AppRequest, actor: Membership, headshot_id: UUID) -> HttpResponse:
    headshot = get_object_or_404(headshots_visible_to(actor=actor), pk=headshot_id)
    try:
        form = RejectForm(request.POST)
        if not form.is_valid():
            raise invalid(form)
        services.headshot_reject(actor=actor, headshot=headshot, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"Rejected the headshot of {headshot.member.display_name}.")
    return _back_to_review(request)


@member_view("hr")
def exports(request: AppRequest, actor: Membership) -> HttpResponse:
    if request.method == "POST":
        try:
            form = ExportForm(request.POST)
            if not form.is_valid():
                raise invalid(form)
            services.export_create(actor=actor, department=form.cleaned_data["department"])
        except ApplicationError as exc:
            refuse(request, exc)
        else:
            messages.success(request, "The export is being built; it appears below when ready.")
        return redirect("generation:exports")
    departments = (
        members_of(actor=actor)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )
    page = page_of(request, exports_of(actor=actor).order_by("-created_at", "pk"))
    rows = list(page)
    context = {
        "exports": rows,
        "page": page,
        "departments": departments,
        "busy": any(e.status in ("queued", "running") for e in rows),
    }
    return render(request, "generation/_exports_table.html" if request.htmx else "generation/exports.html", context)


@member_view("hr")
def export_download(request: AppRequest, actor: Membership, export_id: UUID) -> HttpResponse:
    export = get_object_or_404(exports_of(actor=actor), pk=export_id)
    try:
        return redirect(services.export_download_url(actor=actor, export=export))
    except ApplicationError as exc:
        refuse(request, exc)
        return redirect("generation:exports")


# --- The employee's own approved headshot, in every size ---------------------


@member_view()
def my_headshot(request: AppRequest, actor: Membership) -> HttpResponse:
    try:
        headshot = services.headshot_approved_of(actor=actor)
    except ApplicationError:
        headshot = None
    available = services.headshot_sizes(headshot) if headshot else {}
    sizes = [(name, PLATFORM_LABELS.get(name, name.capitalize()), f"{w} × {h}") for name, (w, h) in available.items()]
    preview = _url_or_none(services.headshot_view_url, actor=actor, headshot=headshot) if headshot else None
    return render(request, "generation/my_headshot.html", {"headshot": headshot, "sizes": sizes, "preview": preview})


def _attachment(download: Download) -> HttpResponse:
    response = HttpResponse(download.data, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@member_view()
def my_headshot_download(request: AppRequest, actor: Membership, platform: str) -> HttpResponse:
    try:
        return _attachment(services.headshot_download(actor=actor, platform=platform))
    except ApplicationError as exc:
        raise Http404(exc.message) from None


@member_view()
def my_headshot_zip(request: AppRequest, actor: Membership) -> HttpResponse:
    try:
        return _attachment(services.headshot_download_zip(actor=actor))
    except ApplicationError as exc:
        raise Http404(exc.message) from None


@member_view()
@require_POST
def headshot_provide(request: AppRequest, actor: Membership) -> HttpResponse:
    """The alternative to face processing: the member's own finished photo, resized only."""
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, "Choose a photo to upload.")
        return redirect("generation:selfies")
    try:
        services.headshot_provide(actor=actor, data=upload.read())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("generation:selfies")
    messages.success(request, "Thank you. HR will review your photo.")
    return redirect("teams:home")
