"""Who may call what: a member, HR, or an organisation admin.

Each class also hands the caller's membership to the view (``MemberView.actor``)
so views start every query from the caller's organisation.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.exceptions import NotAllowed
from teams.models import Membership
from teams.selectors import membership_for_user


class MemberView(APIView):
    """A view for signed-in members: ``actor`` is the caller's active membership,
    set by the permission classes below before the handler runs."""

    actor: Membership


class IsMember(BasePermission):
    """Signed in with an active membership of an organisation."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers "not authenticated"
        member = membership_for_user(request.user)
        if member is None:
            raise NotAllowed("Your account is not an active member of an organisation.", code="not_member")
        if isinstance(view, MemberView):
            view.actor = member
        return self.allows(member)

    def allows(self, member: Membership) -> bool:
        return True


class IsHR(IsMember):
    def allows(self, member: Membership) -> bool:
        if not member.is_hr:
            raise NotAllowed("Only HR can do this.", code="not_hr")
        return True


class IsAdmin(IsMember):
    def allows(self, member: Membership) -> bool:
        if not member.is_admin:
            raise NotAllowed("Only an organisation admin can do this.", code="not_admin")
        return True
