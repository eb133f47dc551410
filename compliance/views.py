"""Pages: the consent page shows the whole text before any photo is taken in."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from config.exceptions import ApplicationError
from teams.access import client_ip, member_view, refuse

from . import services
from .models import ConsentMethod


@member_view()
def consent(request, actor):
    text = services.consent_text_current(organization=actor.organization)
    if request.method == "POST":
        if not request.POST.get("agree"):
            messages.error(request, "Tick the box to confirm that you give your consent.")
        else:
            try:
                _grant(request, actor)
            except ApplicationError as exc:
                refuse(request, exc)
            else:
                messages.success(request, "Thank you. You can now upload your selfies.")
                return redirect("selfies")
    context = {"text": text, "active": services.consent_active(member=actor)}
    return render(request, "compliance/consent.html", context, status=400 if request.method == "POST" else 200)


def _grant(request, actor):
    # The version and hash come back from the form: they are what this member was shown.
    return services.consent_grant(
        member=actor,
        text_version=request.POST.get("text_version", ""),
        text_sha256=request.POST.get("text_sha256", ""),
        method=ConsentMethod.WEB,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
