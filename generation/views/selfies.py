"""Employees' selfies: upload (one file at a time from the page's script, or a plain form), each
photo's checklist card, deletion, and the finished-photo alternative to face processing."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from compliance.services import consent_active
from core.exceptions import ApplicationError
from core.http import AppRequest
from teams.access import member_view
from teams.models import Membership

from .. import services
from ..models import Selfie
from ..selectors import (
    selfies_of,
)
from ..services.selfies import MAX_SELFIES
from . import url_or_none


def _selfie_items(actor: Membership) -> list[dict[str, Any]]:
    """Each selfie with its link and its checks, failures first (and unusable photos first)."""
    selfies = sorted(selfies_of(actor=actor), key=lambda s: (s.usable, -s.uploaded_at.timestamp()))
    return [_selfie_item(actor, selfie) for selfie in selfies]


def _selfie_item(actor: Membership, selfie: Selfie) -> dict[str, Any]:
    checks = (selfie.checks or {}).get("checks") or []
    failed = [_with_photos(actor, c) for c in checks if not c.get("passed")]
    return {
        "selfie": selfie,
        "url": url_or_none(services.selfie_view_url, actor=actor, selfie=selfie),
        "failed": failed,
        "passed": [c for c in checks if c.get("passed")],
        "pending": not selfie.is_checked,
    }


def _with_photos(actor: Membership, check: dict[str, Any]) -> dict[str, Any]:
    """A failed check that names other photos (a duplicate, another person) shows them, not their dates."""
    refs = check.get("refs") or []
    others = selfies_of(actor=actor).filter(pk__in=refs) if refs else []
    photos = [(other, url_or_none(services.selfie_view_url, actor=actor, selfie=other)) for other in others]
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
