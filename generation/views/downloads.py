"""The employee's own approved headshot, in every platform size, one by one or as a zip."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from core.exceptions import ApplicationError
from core.http import AppRequest
from teams.access import member_view
from teams.models import Membership

from .. import services
from ..platform_sizes import PLATFORM_LABELS
from ..services.downloads import Download
from . import url_or_none


@member_view()
def my_headshot(request: AppRequest, actor: Membership) -> HttpResponse:
    try:
        headshot = services.headshot_approved_of(actor=actor)
    except ApplicationError:
        headshot = None
    available = services.headshot_sizes(headshot) if headshot else {}
    sizes = [(name, PLATFORM_LABELS.get(name, name.capitalize()), f"{w} × {h}") for name, (w, h) in available.items()]
    preview = url_or_none(services.headshot_view_url, actor=actor, headshot=headshot) if headshot else None
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
