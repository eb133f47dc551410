"""Lockout for credential endpoints: sign-in pages, the token endpoint, invitation and
join links, password reset.

Failures are counted in the cache (Redis in production, so every web process shares
them) per account and per client address. At the limit, further attempts are refused
with a sentence saying when to try again, until the lock expires; a success clears the
account's count. The address limit is higher, since an office shares one address.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.exceptions import ApplicationError

log = logging.getLogger(__name__)

IP_FACTOR = 5  # an address may fail this many times more than one account


class TooManyAttempts(ApplicationError):
    http_status = 429


def _key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"lockout:{scope}:{kind}:{digest}"


def _keys(scope: str, account: str, ip: str | None) -> list[tuple[str, int]]:
    limit = settings.AUTH_LOCKOUT_ATTEMPTS
    keys = [(_key(scope, "account", account), limit)] if account else []
    if ip:
        keys.append((_key(scope, "ip", ip), limit * IP_FACTOR))
    return keys


def attempt_check(*, scope: str, account: str = "", ip: str | None = None) -> None:
    """Refuse when the account or the address has used up its failures."""
    for key, limit in _keys(scope, account, ip):
        entry = cache.get(key)
        if entry and entry["count"] >= limit and entry["until"] > time.time():
            minutes = max(1, round((entry["until"] - time.time()) / 60))
            raise TooManyAttempts(
                f"Too many failed attempts. For your security this is locked; try again in {minutes} minute(s).",
                code="too_many_attempts",
            )


def attempt_failed(*, scope: str, account: str = "", ip: str | None = None) -> None:
    seconds, now = settings.AUTH_LOCKOUT_SECONDS, time.time()
    for key, limit in _keys(scope, account, ip):
        entry = cache.get(key)
        count = entry["count"] if entry and entry["until"] > now else 0  # an expired lock starts afresh
        entry = {"count": count + 1, "until": now + seconds}
        cache.set(key, entry, timeout=seconds)
        if entry["count"] == limit:
            log.warning("lockout: %s locked after %d failures (%s)", scope, limit, key.rsplit(":", 2)[-2])


def attempt_succeeded(*, scope: str, account: str) -> None:
    cache.delete(_key(scope, "account", account))


LINK_SCOPE = "link"  # invitation and join-link tokens: guessed per address, not per account
LINK_FAILURES = ("bad_token", "token_expired", "token_used", "link_exhausted")


def link_failure_count(request: HttpRequest, exc: ApplicationError) -> None:
    """Count a refused invitation or join-link token against the caller's address."""
    if exc.code in LINK_FAILURES:
        attempt_failed(scope=LINK_SCOPE, ip=request.META.get("REMOTE_ADDR") or "unknown")
