"""Organisations, accounts and memberships: who may sign in to which organisation, and as what.

The helpers here (address and password rules, the admin check, token hashing) serve the
invitation modules too."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User  # the project keeps Django's user model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.text import clean_text

from ..models import JoinLink, Membership, Organization, Role
from ..signals import membership_ended, organization_created

MAX_JOIN_LINK_DAYS = 365


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_admin(actor: Membership) -> None:
    if not actor.is_admin:
        raise NotAllowed("Only an organisation admin can do this.", code="not_admin")


def _normalise_email(email: str) -> str:
    email = clean_text(email, label="The e-mail address", max_length=254).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(f"{email or '(empty)'!s} is not a valid e-mail address.", code="bad_email") from None
    return email


def _user_create(*, email: str, password: str, first_name: str, last_name: str) -> User:
    if User.objects.filter(username=email).exists():
        raise ApplicationError("An account with this e-mail already exists. Sign in instead.", code="user_exists")
    first_name = clean_text(first_name, label="The first name", max_length=150)
    last_name = clean_text(last_name, label="The last name", max_length=150)
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def organization_create(
    *,
    name: str,
    slug: str,
    allowed_domains: list[str],
    admin_email: str,
    admin_password: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
) -> Membership:
    """Create an organisation and its first admin; the apps above add their defaults (signals)."""
    name = clean_text(name, label="The organisation's name", max_length=200)
    if Organization.objects.filter(slug=slug).exists():
        raise ApplicationError(f"The organisation slug {slug!r} is taken.", code="slug_taken")
    org = Organization.objects.create(
        name=name, slug=slug, allowed_domains=[d.strip().lower() for d in allowed_domains if d.strip()]
    )
    user = _user_create(
        email=_normalise_email(admin_email),
        password=admin_password,
        first_name=admin_first_name,
        last_name=admin_last_name,
    )
    admin = Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
    audit_event_record(actor=admin, organization=org, verb=Verb.ORGANIZATION_CREATED, target=org)
    organization_created.send(sender=Organization, organization=org, admin=admin)
    return admin


@dataclass
class IssuedJoinLink:
    link: JoinLink
    token: str


@transaction.atomic
def join_link_create(*, actor: Membership, max_uses: int, expires_at: datetime) -> IssuedJoinLink:
    _require_admin(actor)
    if not actor.organization.allowed_domains:
        raise ApplicationError(
            "Set the organisation's allowed e-mail domains before creating an open link.", code="no_domains"
        )
    if max_uses < 1 or max_uses > 10_000:
        raise ApplicationError("The usage cap must be between 1 and 10000.", code="bad_max_uses")
    if expires_at <= timezone.now():
        raise ApplicationError("The expiry must be in the future.", code="bad_expiry")
    if expires_at > timezone.now() + timedelta(days=MAX_JOIN_LINK_DAYS):
        raise ApplicationError(f"A join link can last at most {MAX_JOIN_LINK_DAYS} days.", code="bad_expiry")
    token = secrets.token_urlsafe(32)
    link = JoinLink.objects.create(
        organization=actor.organization,
        token_hash=_hash_token(token),
        max_uses=max_uses,
        expires_at=expires_at,
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.JOIN_LINK_CREATED,
        target=link,
        data={"max_uses": max_uses, "expires_at": expires_at.isoformat()},
    )
    return IssuedJoinLink(link=link, token=token)


@transaction.atomic
def join_link_accept(*, token: str, email: str, password: str, first_name: str = "", last_name: str = "") -> Membership:
    link = (
        JoinLink.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=_hash_token(token or ""))
        .first()
    )
    if link is None or link.revoked_at:
        raise ApplicationError("This join link is not valid. Ask your admin for a new one.", code="bad_token")
    if link.expires_at <= timezone.now():
        raise ApplicationError("This join link has expired. Ask your admin for a new one.", code="token_expired")
    if link.uses >= link.max_uses:
        raise ApplicationError("This join link has reached its usage limit.", code="link_exhausted")
    email = _normalise_email(email)
    if not link.organization.admits_email(email):
        raise ApplicationError(
            f"This link is only for addresses at {', '.join(link.organization.allowed_domains)}.",
            code="domain_not_allowed",
        )
    user = _user_create(email=email, password=password, first_name=first_name, last_name=last_name)
    member = Membership.objects.create(user=user, organization=link.organization, role=link.role)
    JoinLink.objects.filter(pk=link.pk).update(uses=F("uses") + 1)
    audit_event_record(actor=member, organization=member.organization, verb=Verb.JOIN_LINK_USED, target=link)
    return member


@transaction.atomic
def membership_deactivate(*, actor: Membership, member: Membership) -> Membership:
    _require_admin(actor)
    if member.organization_id != actor.organization_id:
        raise NotFound("No such member.")
    member.active = False
    member.deactivated_at = timezone.now()
    member.save(update_fields=["active", "deactivated_at"])
    # The login stays during the offboarding grace period, for the privacy page only (download,
    # withdraw): every other page needs an active membership. It goes with the erasure.
    audit_event_record(actor=actor, organization=member.organization, verb=Verb.MEMBERSHIP_DEACTIVATED, target=member)
    membership_ended.send(sender=Membership, member=member)  # compliance starts offboarding
    return member


@transaction.atomic
def membership_role_change(*, actor: Membership, member: Membership, role: str) -> Membership:
    _require_admin(actor)
    if member.organization_id != actor.organization_id:
        raise NotFound("No such member.")
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", code="bad_role")
    if member.pk == actor.pk and role != Role.ADMIN:
        raise ApplicationError("You cannot take away your own admin role.", code="own_role")
    previous = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.MEMBERSHIP_ROLE_CHANGED,
        target=member,
        data={"from": previous, "to": role},
    )
    return member
