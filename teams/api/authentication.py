"""``Authorization: Token <key>`` against teams.models.ApiToken.

Kept free of service imports: DRF loads it while its own views module is still importing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from teams.models import ApiToken


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def password_mark(user: Any) -> str:
    # Changes whenever the password hash changes (a new salt every time): old tokens stop working.
    return salted_hmac("teams.tokens.password", user.password or "", algorithm="sha256").hexdigest()


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; refuses expired, revoked and pre-password-change keys."""

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("The token has expired; sign in again.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account is disabled.")
        if not constant_time_compare(token.password_mark, password_mark(token.user)):
            raise exceptions.AuthenticationFailed("The password changed since this token was made; sign in again.")
        if token.last_used_at is None or timezone.now() - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
