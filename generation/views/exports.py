"""HR's exports of the team's approved headshots: request, a self-refreshing table, short-lived download links."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.exceptions import ApplicationError
from core.http import AppRequest
from core.pagination import page_of
from teams.access import invalid, member_view, refuse
from teams.models import Membership
from teams.selectors import members_of

from .. import services
from ..forms import ExportForm
from ..selectors import (
    exports_of,
)


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
