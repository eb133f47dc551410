"""Pages: the home page, joining (invitation or open link), and the admin's invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.http import AppRequest
from core.pagination import page_of

from . import services
from .access import client_ip, invalid, member_view, refuse
from .forms import (
    AccountForm,
    BulkResendForm,
    InvitationForm,
    InvitationImportForm,
    JoinForm,
    JoinLinkForm,
    NextForm,
    RoleForm,
)
from .models import Invitation, Membership, Role
from .selectors import invitations_of, join_links_of, members_of
from .throttle import LINK_SCOPE, TooManyAttempts, attempt_check, link_failure_count

# The home page shows what the apps above teams know about the member; each registers a
# section (AppConfig.ready) instead of teams importing them.
HomeSection = Callable[[Membership], dict[str, Any]]
_home_sections: list[HomeSection] = []


def home_section_register(section: HomeSection) -> None:
    if section not in _home_sections:
        _home_sections.append(section)


@member_view()
def home(request: AppRequest, actor: Membership) -> HttpResponse:
    context: dict[str, Any] = {}
    for section in _home_sections:
        context |= section(actor)
    return render(request, "teams/home.html", context)


def invite_accept(request: AppRequest, token: str) -> HttpResponse:
    """Set a password for an invitation; the account is created and signed in."""
    try:
        attempt_check(scope=LINK_SCOPE, ip=client_ip(request))
        invitation = services.invitation_preview(token=token)
    except ApplicationError as exc:
        link_failure_count(request, exc)
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        return render(request, "teams/token_invalid.html", {"message": exc.message}, status=status)
    status = 200
    if request.method == "POST":
        outcome = _accept_and_sign_in(request, AccountForm(request.POST), services.invitation_accept, token=token)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return render(request, "teams/invite_accept.html", {"invitation": invitation}, status=status)


def join(request: AppRequest, token: str) -> HttpResponse:
    """Join through an open link with an address in the organisation's domains."""
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = _accept_and_sign_in(request, form, services.join_link_accept, token=token)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    # The posted values refill the page (the password fields never do).
    return render(request, "teams/join.html", {"form": form.data}, status=status)


def _accept_and_sign_in(
    request: AppRequest, form: AccountForm, accept: Callable[..., Membership], **fields: str
) -> HttpResponse | int:
    """Run an accept service with the posted password and names and sign the new member in; a
    refusal gives the status to show the form again with (429 once the caller is locked out)."""
    try:
        attempt_check(scope=LINK_SCOPE, ip=client_ip(request))
        if not form.is_valid():
            raise invalid(form)
        values = form.cleaned_data
        member = accept(
            password=values["password"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            **({"email": values["email"]} if "email" in values else {}),
            **fields,
        )
    except ApplicationError as exc:
        link_failure_count(request, exc)
        refuse(request, exc)
        return 429 if isinstance(exc, TooManyAttempts) else 400
    login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("compliance:consent")


def _link(request: AppRequest, name: str, token: str) -> str:
    return request.build_absolute_uri(reverse(name, kwargs={"token": token}))


@member_view("admin")
def invitations(request: AppRequest, actor: Membership) -> HttpResponse:
    return _invitations_page(request, actor)


def _invitations_page(
    request: AppRequest,
    actor: Membership,
    *,
    created: list[dict[str, str]] | None = None,
    import_errors: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The admin's invitations page; after a create it shows the new links once,
    since only the tokens' hashes are stored."""
    page = page_of(request, invitations_of(actor=actor))
    context = {
        "invitations": page,
        "page": page,
        "join_links": join_links_of(actor=actor)[:50],
        "roles": Role.choices,
        "created": created or [],
        "import_errors": import_errors or [],
    }
    return render(request, "teams/invitations.html", context, status=status)


@require_POST
@member_view("admin")
def invitation_create(request: AppRequest, actor: Membership) -> HttpResponse:
    form = InvitationForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid(form)
        issued = services.invitation_create(actor=actor, **form.cleaned_data)
    except ApplicationError as exc:
        refuse(request, exc)
        return _invitations_page(request, actor, status=400)
    messages.success(request, f"The invitation mail to {issued.invitation.email} is on its way.")
    if issued.invitation.domain_override:
        messages.warning(
            request, f"{issued.invitation.email} is outside your organisation's domains; you chose to invite it anyway."
        )
    created = [{"label": issued.invitation.email, "url": _link(request, "teams:invite-accept", issued.token)}]
    return _invitations_page(request, actor, created=created)


@require_POST
@member_view("admin")
def invitations_import(request: AppRequest, actor: Membership) -> HttpResponse:
    form = InvitationImportForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise invalid(form)
        values = form.cleaned_data
        result = services.invitations_import_csv(
            actor=actor,
            csv_text=values["csv_text"],
            skip_bad_rows=values["skip_bad_rows"],
            allow_outside_domain=values["allow_outside_domain"],
        )
    except ApplicationError as exc:
        refuse(request, exc)
        errors = exc.details if isinstance(exc.details, list) else []
        return _invitations_page(request, actor, import_errors=errors, status=400)
    messages.success(request, f"Imported {len(result.created)} invitation{pluralize(len(result.created))}.")
    if result.errors:
        skipped = len(result.errors)
        messages.warning(request, f"Skipped {skipped} invalid row{pluralize(skipped)}; they are listed below.")
    created = [
        {"label": i.invitation.email, "url": _link(request, "teams:invite-accept", i.token)} for i in result.created
    ]
    return _invitations_page(request, actor, created=created, import_errors=result.errors)


@require_POST
@member_view("admin")
def join_link_create(request: AppRequest, actor: Membership) -> HttpResponse:
    form = JoinLinkForm(request.POST)
    try:
        if not form.is_valid():
            raise invalid(form)
        issued = services.join_link_create(
            actor=actor,
            max_uses=form.cleaned_data["max_uses"],
            expires_at=timezone.now() + timedelta(days=form.cleaned_data["expires_in_days"]),
        )
    except ApplicationError as exc:
        refuse(request, exc)
        return _invitations_page(request, actor, status=400)
    created = [
        {
            "label": f"open join link ({issued.link.max_uses} uses)",
            "url": _link(request, "teams:join", issued.token),
        }
    ]
    return _invitations_page(request, actor, created=created)


# --- Invitation and member actions (from the team dashboard) ----------------


def _back(request: AppRequest) -> HttpResponse:
    form = NextForm(request.POST)
    target = form.cleaned_data["next"] if form.is_valid() else ""
    # Only a path on this site: redirect() would take any other word for a view name (NoReverseMatch).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("generation:team")


def _invitation(actor: Membership, invitation_id: UUID) -> Invitation:
    return get_object_or_404(invitations_of(actor=actor), pk=invitation_id)


@require_POST
@member_view("admin")
def invitation_resend(request: AppRequest, actor: Membership, invitation_id: UUID) -> HttpResponse:
    invitation = _invitation(actor, invitation_id)
    try:
        services.invitation_resend(actor=actor, invitation=invitation)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"The invitation to {invitation.email} is on its way again.")
    return _back(request)


@require_POST
@member_view("admin")
def invitation_remind(request: AppRequest, actor: Membership, invitation_id: UUID) -> HttpResponse:
    invitation = _invitation(actor, invitation_id)
    try:
        services.invitation_remind(actor=actor, invitation=invitation)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"A reminder is on its way to {invitation.email}.")
    return _back(request)


@require_POST
@member_view("admin")
def invitation_revoke(request: AppRequest, actor: Membership, invitation_id: UUID) -> HttpResponse:
    invitation = _invitation(actor, invitation_id)
    try:
        services.invitation_revoke(actor=actor, invitation=invitation)
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"The invitation to {invitation.email} is revoked; its link no longer works.")
    return _back(request)


@require_POST
@member_view("admin")
def invitations_resend(request: AppRequest, actor: Membership) -> HttpResponse:
    open_invitations = invitations_of(actor=actor).filter(accepted_at__isnull=True, revoked_at__isnull=True)
    form = BulkResendForm(request.POST, open_invitations=open_invitations)
    if not form.is_valid():
        messages.error(request, "Select at least one open invitation of your organisation.")
        return _back(request)
    count = services.invitations_resend(actor=actor, invitation_ids=form.cleaned_data["invitation"])
    messages.success(request, f"Resent {count} invitation{pluralize(count)}.")
    return _back(request)


@require_POST
@member_view("admin")
def member_role(request: AppRequest, actor: Membership, member_id: UUID) -> HttpResponse:
    member = get_object_or_404(members_of(actor=actor), pk=member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles: admin, HR or employee.")
        return _back(request)
    try:
        services.membership_role_change(actor=actor, member=member, role=form.cleaned_data["role"])
    except ApplicationError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"{member.display_name} is now {member.get_role_display()}.")
    return _back(request)


@require_POST
@member_view("admin")
def member_offboard(request: AppRequest, actor: Membership, member_id: UUID) -> HttpResponse:
    member = get_object_or_404(members_of(actor=actor), pk=member_id)
    if member.pk == actor.pk:
        messages.error(request, "You cannot offboard yourself.")
        return _back(request)
    if not member.active:
        messages.error(request, f"{member.display_name} has already left.")
        return _back(request)
    services.membership_deactivate(actor=actor, member=member)
    messages.success(request, f"{member.display_name} is offboarded; their data is erased after the grace period.")
    return _back(request)
