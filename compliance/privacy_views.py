"""The member's privacy page: retention terms, withdrawal, receipts, data download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from teams.selectors import membership_for_user

from . import selectors, services
from .api.privacy import zip_response
from .models import ConsentMethod


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
        return redirect("privacy-page")
    services.consent_withdraw(member=member, method=ConsentMethod.WEB)
    return redirect("privacy-page")


@login_required
def export(request):
    return zip_response(services.subject_access_export(member=_member(request)))
