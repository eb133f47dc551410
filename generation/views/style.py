"""The brand-style editor page (admins): preview with the studio engine, save a new version."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from core.exceptions import ApplicationError
from teams.access import member_view, refuse
from teams.models import Membership

from .. import services
from ..forms import BrandStyleForm
from ..models import BrandStyle
from ..selectors import brand_style_current, brand_style_job_progress, brand_style_versions


@member_view("admin")
def brand_style(request: HttpRequest, actor: Membership) -> HttpResponse:
    current = brand_style_current(actor=actor)
    preview = None
    status = 200
    if request.method == "POST":
        form = BrandStyleForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Some values are not valid; nothing was saved. See the notes beside them.")
            status = 400
        else:
            try:
                if "preview" in request.POST:
                    preview = services.brand_style_preview(
                        actor=actor,
                        changes=form.changes(current),
                        backdrop_image=form.image_bytes(),
                        own_photo=form.cleaned_data["preview_on_own_photo"],
                    )
                else:
                    return _save(request, actor, form, current)
            except ApplicationError as exc:
                refuse(request, exc)
                status = 400
    else:
        form = BrandStyleForm(initial=BrandStyleForm.initial_from(current))
    context = {
        "form": form,
        "current": current,
        "versions": brand_style_versions(actor=actor)[:20],
        "progress": brand_style_job_progress(style=current),
        "preview": preview,
        "preview_src": f"data:image/jpeg;base64,{base64.b64encode(preview.jpeg).decode()}" if preview else "",
    }
    return render(request, "generation/brand_style.html", context, status=status)


def _save(request: HttpRequest, actor: Membership, form: BrandStyleForm, current: BrandStyle) -> HttpResponse:
    style = services.brand_style_save(actor=actor, changes=form.changes(current), backdrop_image=form.image_bytes())
    messages.success(request, f"Saved {style.name} version {style.version}. New jobs use it.")
    if form.cleaned_data["rerender"]:
        result = services.brand_style_rerender_approved(actor=actor, style=style)
        messages.success(request, f"Queued {result.queued} re-render{pluralize(result.queued)} of approved headshots.")
        for line in result.skipped[:20]:
            messages.warning(request, f"Not re-rendered: {line}")
    return redirect("generation:brand-style")
