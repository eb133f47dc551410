"""Pages: the home page, joining (invitation or open link), and the admin's invitations."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.services import consent_active
from core.exceptions import ApplicationError
from generation.selectors import jobs_visible_to, review_queue, selfies_of

from . import services
from .access import client_ip, member_view, refuse
from .models import Role
from .selectors import invitations_of, join_links_of
from .throttle import LINK_SCOPE, TooManyAttempts, attempt_check, link_failure_count


@member_view()
def home(request, actor):
    return render(
        request,
        "teams/home.html",
        {
            "consent": consent_active(member=actor),
            "selfies": selfies_of(actor=actor),
            "usable_count": selfies_of(actor=actor).filter(usable=True).count(),
            "jobs": jobs_visible_to(actor=actor).filter(member=actor)[:5],
            "chosen": actor.headshots.filter(chosen=True).select_related("job").first(),
            "pending_reviews": review_queue(actor=actor).count() if actor.is_hr else 0,
        },
    )


def _passwords(request) -> str:
    password = request.POST.get("password", "")
    if password != request.POST.get("password2", ""):
        raise ApplicationError("The two passwords do not match.", code="password_mismatch")
    return password


def invite_accept(request, token: str):
    """Set a password for an invitation; the account is created and signed in."""
    try:
        attempt_check(scope=LINK_SCOPE, ip=client_ip(request))
        invitation = services.invitation_preview(token=token)
    except ApplicationError as exc:
        link_failure_count(request, exc)
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        return render(request, "teams/token_invalid.html", {"message": exc.message}, status=status)
    if request.method == "POST":
        signed_in = _accept_and_sign_in(request, services.invitation_accept, token=token)
        if signed_in:
            return signed_in
    return render(request, "teams/invite_accept.html", {"invitation": invitation}, status=_status(request))


def join(request, token: str):
    """Join through an open link with an address in the organisation's domains."""
    if request.method == "POST":
        email = request.POST.get("email", "")
        signed_in = _accept_and_sign_in(request, services.join_link_accept, token=token, email=email)
        if signed_in:
            return signed_in
    return render(request, "teams/join.html", {"form": request.POST}, status=_status(request))


def _accept_and_sign_in(request, accept, **fields):
    """Run an accept service with the posted password and names; sign the new member in."""
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
        request.locked = isinstance(exc, TooManyAttempts)
        refuse(request, exc)
        return None
    login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("compliance:consent")


def _status(request) -> int:
    # A POST that comes back to its own form was refused; a locked one says so with 429.
    if request.method != "POST":
        return 200
    return 429 if getattr(request, "locked", False) else 400


def _link(request, name: str, token: str) -> str:
    return request.build_absolute_uri(reverse(name, kwargs={"token": token}))


@member_view("admin")
def invitations(request, actor):
    return _invitations_page(request, actor)


def _invitations_page(request, actor, *, created=None, import_errors=None, status=200):
    """The admin's invitations page; after a create it shows the new links once,
    since only the tokens' hashes are stored."""
    context = {
        "invitations": invitations_of(actor=actor)[:200],
        "join_links": join_links_of(actor=actor)[:50],
        "roles": Role.choices,
        "created": created or [],
        "import_errors": import_errors or [],
    }
    return render(request, "teams/invitations.html", context, status=status)


@require_POST
@member_view("admin")
def invitation_create(request, actor):
    try:
        issued = services.invitation_create(
            actor=actor,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", Role.EMPLOYEE),
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""),
            department=request.POST.get("department", ""),
            job_title=request.POST.get("job_title", ""),
        )
    except ApplicationError as exc:
        refuse(request, exc)
        return _invitations_page(request, actor, status=400)
    created = [{"label": issued.invitation.email, "url": _link(request, "teams:invite-accept", issued.token)}]
    return _invitations_page(request, actor, created=created)


def _csv_text(request) -> str:
    upload = request.FILES.get("csv_file")
    if upload is None:
        return request.POST.get("csv_text", "")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError("The CSV file must be UTF-8 text.", code="bad_csv_encoding") from None


@require_POST
@member_view("admin")
def invitations_import(request, actor):
    try:
        result = services.invitations_import_csv(
            actor=actor,
            csv_text=_csv_text(request),
            skip_bad_rows=bool(request.POST.get("skip_bad_rows")),
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
def join_link_create(request, actor):
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
