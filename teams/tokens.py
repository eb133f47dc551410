"""API tokens: hashed, named, expiring, revocable, and dead after a password change.

``teams.api.authentication.ApiTokenAuthentication`` checks them (same ``Token <key>``
header as DRF's). The key is shown once, when it is made; the row keeps its SHA-256.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError
from core.text import clean_text

from .api.authentication import key_hash, password_mark
from .models import ApiToken, Membership


@dataclass
class IssuedToken:
    token: ApiToken
    key: str  # shown once


@transaction.atomic
def api_token_create(*, member: Membership, name: str = "API") -> IssuedToken:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=member.user,
        name=clean_text(name, label="The token's name", max_length=100) or "API",
        key_hash=key_hash(key),
        prefix=key[:8],
        password_mark=password_mark(member.user),
        expires_at=timezone.now() + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS),
    )
    audit_event_record(
        actor=member,
        organization=member.organization,
        verb=Verb.API_TOKEN_CREATED,
        target=token,
        data={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, member: Membership, token: ApiToken) -> None:
    if token.user_id != member.user_id:
        raise ApplicationError("No such token.", code="not_found")
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        audit_event_record(
            actor=member, organization=member.organization, verb=Verb.API_TOKEN_REVOKED, target=token, data={}
        )
