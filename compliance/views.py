"""Pages: consent (the whole text before any photo is taken in) and the member's privacy page
(retention terms, withdrawal, receipts, data download)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.http import AppRequest
from teams.access import client_ip, invalid, member_view, refuse
from teams.models import Membership

from . import selectors, services
from .api.views import zip_response
from .forms import ConsentForm, EraseAccountForm, WithdrawForm
from .models import ConsentMethod, ConsentRecord


@member_view()
def consent(request: AppRequest, actor: Membership) -> HttpResponse:
    text = services.consent_text_for(member=actor)
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if not form.is_valid():
            refuse(request, invalid(form))
        else:
            try:
                _grant(request, actor, form)
            except ApplicationError as exc:
                refuse(request, exc)
            else:
                messages.success(request, "Thank you. You can now upload your selfies.")
                return redirect("generation:selfies")
    context = {"text": text, "active": services.consent_active(member=actor)}
    return render(request, "compliance/consent.html", context, status=400 if request.method == "POST" else 200)


def _grant(request: AppRequest, actor: Membership, form: ConsentForm) -> ConsentRecord:
    return services.consent_grant(
        member=actor,
        text_version=form.cleaned_data["text_version"],
        text_sha256=form.cleaned_data["text_sha256"],
        method=ConsentMethod.WEB,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def _member(request: AppRequest) -> Membership:
    # Leavers keep this page (download, withdraw) during their grace period.
    member = selectors.membership_for_privacy(request.user)
    if member is None:
        raise Http404("No membership.")
    return member


@login_required
def privacy(request: AppRequest) -> HttpResponse:
    member = _member(request)
    policy = services.retention_policy_get(organization=member.organization)
    context = {
        "member": member,
        "policy": policy,
        "schedule": selectors.retention_schedule(policy=policy),
        "receipts": selectors.receipts_of(member=member),
        "consent": services.consent_active(member=member),
        # A consent to an older text still covers data held: withdrawal must stay on offer.
        "can_withdraw": member.consents.filter(withdrawn_at__isnull=True).exists(),
        "erased_after": (
            member.deactivated_at + timedelta(days=policy.offboarding_days) if member.deactivated_at else None
        ),
    }
    return render(request, "compliance/privacy.html", context)


@login_required
@require_POST
def withdraw(request: AppRequest) -> HttpResponse:
    member = _member(request)
    if not WithdrawForm(request.POST).is_valid():  # the confirmation box was not ticked
        return redirect("compliance:privacy")
    services.consent_withdraw(member=member, method=ConsentMethod.WEB)
    return redirect("compliance:privacy")


@login_required
@require_POST
def erase_account(request: AppRequest) -> HttpResponse:
    """Delete my account: face data, then name, e-mail and login. Separate from withdrawing."""
    member = _member(request)
    form = EraseAccountForm(request.POST)
    if not form.is_valid():
        refuse(request, invalid(form))
        return redirect("compliance:privacy")
    from django.contrib.auth import logout

    from .services.account_erasure import account_erase

    account_erase(member=member, requested_by=f"member:{member.pk}", actor=member)
    logout(request)
    return render(request, "compliance/account_erased.html", {"member_id": member.pk})


@login_required
def export(request: AppRequest) -> HttpResponse:
    return zip_response(services.subject_access_export(member=_member(request)))


PURPOSE = (
    "Making consistent company headshots of staff, and letting HR approve them. Face geometry is used only "
    "to check that each generated headshot still looks like its member; it is never sold or used for anything else."
)


def public_privacy(request: AppRequest, slug: str) -> HttpResponse:
    """The organisation's privacy notice, for anyone (no login): what, why, who, how long, whom to ask."""
    organization = selectors.organization_public(slug=slug)
    if organization is None:
        raise Http404("No such organisation.")
    policy = services.retention_policy_get(organization=organization)
    context = {
        "organization": organization,
        "policy": policy,
        "purpose": PURPOSE,
        "schedule": selectors.retention_schedule(policy=policy),
        "processors": selectors.processors(),
    }
    return render(request, "compliance/public_privacy.html", context)


@member_view("admin")
def records(request: AppRequest, actor: Membership, kind: str) -> HttpResponse:
    """The organisation's record of processing (Art. 30) or DPIA draft, as a Markdown download."""
    from .records import dpia_draft, processing_record

    make = {"record": processing_record, "dpia": dpia_draft}.get(kind)
    if make is None:
        raise Http404("No such document.")
    response = HttpResponse(make(organization=actor.organization), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{actor.organization.slug}-{kind}.md"'
    return response
