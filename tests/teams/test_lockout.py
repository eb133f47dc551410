"""Credential endpoints resist guessing: 50 bad attempts lock further ones with a clear
message; the right password works again once the lock expires."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from teams import services
from teams.models import Membership
from tests import factories
from tests.page_helpers import browser

pytestmark = pytest.mark.django_db

BAD_TRIES = 50


class Clock:
    """Moves teams.throttle's clock, so a 15-minute lock can expire inside a test."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr("teams.throttle.time", fake)
    return fake


def _sign_in(client, email: str, password: str):
    return client.post(reverse("teams:login"), {"username": email, "password": password})


def test_the_sign_in_page_locks_after_repeated_failures_and_opens_again_later(employee, clock, settings):
    client, email = browser(), employee.user.email
    statuses = [_sign_in(client, email, f"wrong-{n}").status_code for n in range(BAD_TRIES)]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert statuses.index(429) == settings.AUTH_LOCKOUT_ATTEMPTS  # locked from the attempt after the limit

    locked = _sign_in(client, email, factories.PASSWORD)
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content and b"try again in 15 minute" in locked.content

    clock.advance(settings.AUTH_LOCKOUT_SECONDS + 1)
    assert _sign_in(client, email, factories.PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_count(employee, clock, settings):
    client, email = browser(), employee.user.email
    for n in range(settings.AUTH_LOCKOUT_ATTEMPTS - 1):
        _sign_in(client, email, f"wrong-{n}")
    assert _sign_in(client, email, factories.PASSWORD).status_code == 302
    assert _sign_in(browser(), email, "wrong-again").status_code == 200  # not locked


def test_one_address_guessing_many_accounts_is_locked_too(admin, clock, settings):
    client = browser()
    for n in range(BAD_TRIES):
        _sign_in(client, f"nobody{n}@acme.example", "wrong")
    assert _sign_in(client, admin.user.email, factories.PASSWORD).status_code == 429
    other_address = browser(REMOTE_ADDR="10.9.8.7")
    assert _sign_in(other_address, admin.user.email, factories.PASSWORD).status_code == 302


def _token(client, email: str, password: str):
    return client.post("/api/auth/token/", {"email": email, "password": password}, format="json")


def test_the_token_endpoint_locks_after_repeated_failures_and_opens_again_later(employee, clock, settings):
    client, email = APIClient(), employee.user.email
    responses = [_token(client, email, f"wrong-{n}") for n in range(BAD_TRIES)]
    assert responses[0].status_code == 400 and responses[-1].status_code == 429
    assert responses[-1].data["error"] == "too_many_attempts"
    assert "try again in" in responses[-1].data["detail"]
    assert _token(client, email, factories.PASSWORD).status_code == 429

    clock.advance(settings.AUTH_LOCKOUT_SECONDS + 1)
    assert _token(client, email, factories.PASSWORD).status_code == 200


def test_guessing_join_link_tokens_locks_the_address(admin, clock, settings, api):
    issued = services.join_link_create(actor=admin, max_uses=5, expires_at=_days(7))
    client = APIClient()
    domain = admin.organization.allowed_domains[0]
    body = {"email": f"joiner@{domain}", "password": factories.PASSWORD}
    responses = [client.post("/api/join-links/join/", {**body, "token": f"guess-{n}"}) for n in range(BAD_TRIES + 1)]
    assert responses[0].data["error"] == "bad_token" and responses[-1].status_code == 429
    assert client.post("/api/join-links/join/", {**body, "token": issued.token}).status_code == 429

    clock.advance(settings.AUTH_LOCKOUT_SECONDS + 1)
    assert client.post("/api/join-links/join/", {**body, "token": issued.token}).status_code == 201


def test_guessing_invitation_links_on_the_page_locks_the_address(admin, clock, settings):
    client = browser()
    statuses = [
        client.get(reverse("teams:invite-accept", args=[f"guess-{n}"])).status_code for n in range(BAD_TRIES + 1)
    ]
    assert statuses[0] == 400 and statuses[-1] == 429
    issued = services.invitation_create(actor=admin, email="invitee@" + admin.organization.allowed_domains[0])
    assert client.get(reverse("teams:invite-accept", args=[issued.token])).status_code == 429
    clock.advance(settings.AUTH_LOCKOUT_SECONDS + 1)
    assert client.get(reverse("teams:invite-accept", args=[issued.token])).status_code == 200


def test_guessing_join_links_on_the_page_locks_the_address(admin, clock):
    client, domain = browser(), admin.organization.allowed_domains[0]
    form = {"email": f"j@{domain}", "password": factories.PASSWORD, "password2": factories.PASSWORD}
    statuses = [client.post(reverse("teams:join", args=[f"guess-{n}"]), form).status_code for n in range(BAD_TRIES + 1)]
    assert statuses[0] == 400 and statuses[-1] == 429
    assert not Membership.objects.filter(user__email=f"j@{domain}").exists()


def _days(n: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=n)
