"""How a page finds who is asking: the membership, and what its role allows.

Every page view is wrapped in ``member_view``; it starts from
``membership_for_user`` so all queries are scoped to the request's
organisation, and it refuses HR and admin pages to other roles with a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.http import AppRequest

from .models import Membership
from .selectors import membership_for_user

P = ParamSpec("P")
# Base response: a page may stream (the roster CSV) as well as render.
MemberPage = Callable[Concatenate[AppRequest, Membership, P], HttpResponseBase]
Page = Callable[Concatenate[AppRequest, P], HttpResponseBase]

_ROLE_CHECKS: dict[str | None, Callable[[Membership], bool]] = {
    None: lambda member: True,
    "hr": lambda member: member.is_hr,
    "admin": lambda member: member.is_admin,
}


def member_view(role: str | None = None) -> Callable[[MemberPage[P]], Page[P]]:
    """Pass the request's active membership to the view as ``actor`` (a typed argument,
    not an attribute patched onto the request)."""
    allowed = _ROLE_CHECKS[role]

    def decorator(view: MemberPage[P]) -> Page[P]:
        @wraps(view)
        def wrapped(request: AppRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = membership_for_user(request.user)
            if actor is None:
                return no_organization(request)
            if not allowed(actor):
                raise PermissionDenied(f"This page is for the {role} role.")
            return view(request, actor, *args, **kwargs)

        return wrapped

    return decorator


def no_organization(request: HttpRequest) -> HttpResponse:
    """Staff without an organisation work in the Django admin; anyone else is told why
    they cannot go on, on a page that signs out (no loop back to the sign-in page)."""
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "teams/no_organization.html", status=403)


def refuse(request: HttpRequest, exc: ApplicationError) -> None:
    """Show a service's refusal on the next page; a role refusal is a 403, a missing object a 404."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)


def invalid(form: forms.Form) -> ApplicationError:
    """A form's errors as the refusal a page shows (the same path as a service's refusal)."""
    return ApplicationError(" ".join(str(m) for errors in form.errors.values() for m in errors), code="invalid_form")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
