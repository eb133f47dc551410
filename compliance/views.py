"""Pages: consent (the whole text before any photo is taken in) and the member's privacy page
(retention terms, withdrawal, receipts, data download)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from teams.access import client_ip, member_view, refuse
from teams.selectors import membership_for_user

from . import selectors, services
from .api.views import zip_response
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
                return redirect("generation:selfies")
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


def _member(request):
    member = membership_for_user(request.user)
    if member is None:
        raise Http404("No membership.")
    return member


@login_required
def privacy(request):
    member = _member(request)
    context = {
        "policy": services.retention_policy_get(organization=member.organization),
        "receipts": selectors.receipts_of(member=member),
        "consent": services.consent_active(member=member),
    }
    return render(request, "compliance/privacy.html", context)


@login_required
@require_POST
def withdraw(request):
    member = _member(request)
    if not request.POST.get("confirm"):
        return redirect("compliance:privacy")
    services.consent_withdraw(member=member, method=ConsentMethod.WEB)
    return redirect("compliance:privacy")


@login_required
def export(request):
    return zip_response(services.subject_access_export(member=_member(request)))
