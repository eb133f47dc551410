"""Pages: the home page, joining (invitation or open link), and the admin's invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.http import AppRequest
from core.pagination import page_of

from . import services
from .access import client_ip, member_view, refuse
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


def _passwords(request: AppRequest) -> str:
    password = request.POST.get("password", "")
    if password != request.POST.get("password2", ""):
        raise ApplicationError("The two passwords do not match.", code="password_mismatch")
    return password


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
        outcome = _accept_and_sign_in(request, services.invitation_accept, token=token)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return render(request, "teams/invite_accept.html", {"invitation": invitation}, status=status)


def join(request: AppRequest, token: str) -> HttpResponse:
    """Join through an open link with an address in the organisation's domains."""
    status = 200
    if request.method == "POST":
        email = request.POST.get("email", "")
        outcome = _accept_and_sign_in(request, services.join_link_accept, token=token, email=email)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return render(request, "teams/join.html", {"form": request.POST}, status=status)


def _accept_and_sign_in(request: AppRequest, accept: Callable[..., Membership], **fields: str) -> HttpResponse | int:
    """Run an accept service with the posted password and names and sign the new member in; a
    refusal gives the status to show the form again with (429 once the caller is locked out)."""
    try:
        attempt_check(scope=LINK_SCOPE, ip=client_ip(request))
        member = accept(
            password=_passwords(request),
            first_name=request.POST.get("first_name", "").strip(),
            last_name=request.POST.get("last_name", "").strip(),
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
    try:
        issued = services.invitation_create(
            actor=actor,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", Role.EMPLOYEE),
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""),
            department=request.POST.get("department", ""),
            job_title=request.POST.get("job_title", ""),
            allow_outside_domain=bool(request.POST.get("allow_outside_domain")),
        )
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


def _csv_text(request: AppRequest) -> str:
    upload = request.FILES.get("csv_file")
    if upload is None:
        return request.POST.get("csv_text", "")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError("The CSV file must be UTF-8 text.", code="bad_csv_encoding") from None


@require_POST
@member_view("admin")
def invitations_import(request: AppRequest, actor: Membership) -> HttpResponse:
    try:
        result = services.invitations_import_csv(
            actor=actor,
            csv_text=_csv_text(request),
            skip_bad_rows=bool(request.POST.get("skip_bad_rows")),
            allow_outside_domain=bool(request.POST.get("allow_outside_domain")),
        )
    except ApplicationError as exc:
        refuse(request, exc)
        errors = exc.details if isinstance(exc.details, list) else []
        return _invitations_page(request, actor, import_errors=errors, status=400)
    messages.success(request, f"Imported {len(result.created)} invitation(s).")
    if result.errors:
        messages.warning(request, f"Skipped {len(result.errors)} invalid row(s); they are listed below.")
    created = [
        {"label": i.invitation.email, "url": _link(request, "teams:invite-accept", i.token)} for i in result.created
    ]
    return _invitations_page(request, actor, created=created, import_errors=result.errors)


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"{name} must be a whole number.", code="bad_number") from None


@require_POST
@member_view("admin")
def join_link_create(request: AppRequest, actor: Membership) -> HttpResponse:
    try:
        days = _int(request.POST.get("expires_in_days", ""), "The expiry (days)")
        if not 1 <= days <= services.MAX_JOIN_LINK_DAYS:
            raise ApplicationError(
                f"The expiry must be between 1 and {services.MAX_JOIN_LINK_DAYS} days.", code="bad_expiry"
            )
        issued = services.join_link_create(
            actor=actor,
            max_uses=_int(request.POST.get("max_uses", ""), "The usage cap"),
            expires_at=timezone.now() + timedelta(days=days),
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
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
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


class BulkResendForm(forms.Form):
    invitation = forms.TypedMultipleChoiceField(
        coerce=UUID, choices=(), error_messages={"required": "Select at least one invitation."}
    )

    def __init__(self, *args: Any, ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invitation"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(i, i) for i in ids]


@require_POST
@member_view("admin")
def invitations_resend(request: AppRequest, actor: Membership) -> HttpResponse:
    open_ids = [
        str(i)
        for i in invitations_of(actor=actor)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .filter(id__in=_uuids(request.POST.getlist("invitation")))
        .values_list("id", flat=True)
    ]
    form = BulkResendForm(request.POST, ids=open_ids)
    if not form.is_valid():
        messages.error(request, "Select at least one open invitation of your organisation.")
        return _back(request)
    count = services.invitations_resend(actor=actor, invitation_ids=[str(i) for i in form.cleaned_data["invitation"]])
    messages.success(request, f"Resent {count} invitation(s).")
    return _back(request)


def _uuids(values: list[str]) -> list[UUID]:
    out = []
    for value in values[:1000]:
        try:
            out.append(UUID(value))
        except ValueError:
            continue
    return out


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


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
