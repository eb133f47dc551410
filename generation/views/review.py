"""HR's review queue: each chosen headshot beside its selfie; approve, bulk approve, reject with a reason."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.http import AppRequest
from core.pagination import page_number, page_of
from teams.access import invalid, member_view, refuse
from teams.models import Membership

from .. import services
from ..forms import BulkApproveForm, RejectForm
from ..selectors import (
    headshots_visible_to,
    reference_selfies,
    review_queue,
)
from . import url_or_none


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
                "url": url_or_none(services.headshot_view_url, actor=actor, headshot=headshot),
                "selfie_url": selfie and url_or_none(services.selfie_view_url, actor=actor, selfie=selfie),
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
