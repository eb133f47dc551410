from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from compliance.services import consent_active
from core.exceptions import ApplicationError
from teams.access import member_view, refuse
from teams.selectors import members_of

from . import services
from .models import JobStatus
from .selectors import exports_of, headshots_visible_to, jobs_visible_to, review_queue, selfies_of
from .services.selfies import MAX_SELFIES

# --- Pages -----------------------------------------------------------------
# Employees: selfies, jobs, choosing. HR: the review queue and exports.
# Every query starts from the actor's organisation (generation.selectors).


def _url_or_none(make_url, **kwargs) -> str | None:
    try:
        return make_url(**kwargs)
    except ApplicationError:
        return None


@member_view()
def selfies(request, actor):
    if request.method == "POST":
        _upload(request, actor)
        return redirect("generation:selfies")
    items = [
        (selfie, _url_or_none(services.selfie_view_url, actor=actor, selfie=selfie))
        for selfie in selfies_of(actor=actor)
    ]
    return render(
        request,
        "generation/selfies.html",
        {
            "items": items,
            "consent": consent_active(member=actor),
            "job_key": uuid.uuid4(),
            "usable_count": sum(1 for selfie, _ in items if selfie.usable),
            "max_selfies": MAX_SELFIES,
        },
    )


def _upload(request, actor) -> None:
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
        if selfie.usable:
            messages.success(request, f"{upload.name}: uploaded, and it passes the checklist.")
        else:
            note = "uploaded, but it cannot be used (see why below)."
            messages.warning(request, f"{upload.name}: {note}")


@require_POST
@member_view()
def selfie_delete(request, actor, selfie_id):
    selfie = get_object_or_404(selfies_of(actor=actor), pk=selfie_id)
    services.selfie_delete(actor=actor, selfie=selfie)
    messages.success(request, "The selfie was deleted.")
    return redirect("generation:selfies")


@require_POST
@member_view()
def job_request(request, actor):
    try:
        key = request.POST.get("idempotency_key", "")
        job = services.job_enqueue(actor=actor, idempotency_key=key)
    except ApplicationError as exc:
        refuse(request, exc)
        return redirect("generation:selfies")
    return redirect("generation:job-detail", job_id=job.id)


@member_view()
def job_detail(request, actor, job_id):
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    headshots = [
        (headshot, _url_or_none(services.headshot_view_url, actor=actor, headshot=headshot))
        for headshot in job.headshots.order_by("variant_index")
    ]
    return render(
        request,
        "generation/job_detail.html",
        {
            "job": job,
            "headshots": headshots,
            "own": job.member_id == actor.id,
            "in_progress": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        },
    )


@require_POST
@member_view()
def job_retry(request, actor, job_id):
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    try:
        services.job_retry(actor=actor, job=job)
    except ApplicationError as exc:
        refuse(request, exc)
    return redirect("generation:job-detail", job_id=job.id)


@require_POST
@member_view()
def job_cancel(request, actor, job_id):
    job = get_object_or_404(jobs_visible_to(actor=actor), pk=job_id)
    try:
        services.job_cancel(actor=actor, job=job)
    except ApplicationError as exc:
        refuse(request, exc)
    return redirect("job-detail", job_id=job.id)


@require_POST
@member_view()
def headshot_choose(request, actor, headshot_id):
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
def review(request, actor):
    queue = review_queue(actor=actor).order_by("chosen_at")
    items = [(h, _url_or_none(services.headshot_view_url, actor=actor, headshot=h)) for h in queue]
    return render(request, "generation/review.html", {"items": items})


@require_POST
@member_view("hr")
def review_approve(request, actor, headshot_id):
    headshot = get_object_or_404(headshots_visible_to(actor=actor), pk=headshot_id)
    try:
        services.headshot_approve(actor=actor, headshot=headshot)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"Approved the headshot of {headshot.member.display_name}.")
    return redirect("generation:review")


@require_POST
@member_view("hr")
def review_reject(request, actor, headshot_id):
    headshot = get_object_or_404(headshots_visible_to(actor=actor), pk=headshot_id)
    try:
        reason = request.POST.get("reason", "")
        services.headshot_reject(actor=actor, headshot=headshot, reason=reason)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"Rejected the headshot of {headshot.member.display_name}.")
    return redirect("generation:review")


@member_view("hr")
def exports(request, actor):
    if request.method == "POST":
        try:
            services.export_create(actor=actor, department=request.POST.get("department", ""))
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
    return render(
        request,
        "generation/exports.html",
        {
            "exports": exports_of(actor=actor)[:100],
            "departments": departments,
        },
    )


@member_view("hr")
def export_download(request, actor, export_id):
    export = get_object_or_404(exports_of(actor=actor), pk=export_id)
    try:
        return redirect(services.export_download_url(actor=actor, export=export))
    except ApplicationError as exc:
        refuse(request, exc)
        return redirect("generation:exports")
