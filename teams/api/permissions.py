"""Who may call what: a member, HR, or an organisation admin.

Each class also puts the caller's membership on ``request.membership`` so
views start every query from the caller's organisation.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from core.exceptions import NotAllowed
from teams.selectors import membership_for_user


class IsMember(BasePermission):
    """Signed in with an active membership of an organisation."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers "not authenticated"
        request.membership = membership_for_user(request.user)
        if request.membership is None:
            raise NotAllowed("Your account is not an active member of an organisation.", code="not_member")
        return True


class IsHR(IsMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not request.membership.is_hr:
            raise NotAllowed("Only HR can do this.", code="not_hr")
        return True


class IsAdmin(IsMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not request.membership.is_admin:
            raise NotAllowed("Only an organisation admin can do this.", code="not_admin")
        return True
