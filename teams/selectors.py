from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from .models import Invitation, JoinLink, Membership


def membership_for_user(user: AbstractBaseUser | AnonymousUser | None) -> Membership | None:
    """The organisation membership a signed-in user acts through, if any."""
    if not user or not user.is_authenticated:
        return None
    return Membership.objects.select_related("organization", "user").filter(user_id=user.pk, active=True).first()


def members_of(*, actor: Membership) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=actor.organization).select_related("user")


def invitations_of(*, actor: Membership) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=actor.organization).select_related("invited_by__user")


def join_links_of(*, actor: Membership) -> QuerySet[JoinLink]:
    return JoinLink.objects.filter(organization=actor.organization)


def member_by_email(*, organization_slug: str, email: str) -> Membership | None:
    """For operator commands, which name people the way a request e-mail does."""
    return (
        Membership.objects.select_related("organization", "user")
        .filter(organization__slug=organization_slug, user__email__iexact=email.strip())
        .first()
    )
