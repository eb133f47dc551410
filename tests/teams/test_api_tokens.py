"""API tokens are hashed, named, expiring, revocable, audited, and die with a password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import AuditEvent
from teams.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


def _signed_in(member, name: str = "laptop script") -> tuple[APIClient, dict]:
    client = APIClient()
    body = {"email": member.user.email, "password": factories.PASSWORD, "name": name}
    response = client.post("/api/auth/token/", body, format="json")
    assert response.status_code == 200, response.data
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    return client, response.data


def test_a_token_is_stored_only_as_a_hash_with_its_name_and_expiry_and_audited(employee):
    client, data = _signed_in(employee)
    token = ApiToken.objects.get(user=employee.user)
    assert data["token"] not in {token.key_hash, token.prefix} and token.key_hash != data["token"]
    assert token.name == "laptop script" and token.expires_at > timezone.now() + timedelta(days=29)
    assert AuditEvent.objects.filter(verb="api_token.created", actor_member_id=employee.id).exists()
    assert client.get("/api/selfies/").status_code == 200


def test_an_expired_token_gets_401(employee):
    client, _ = _signed_in(employee)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/selfies/")
    assert response.status_code == 401
    assert response.data == {"error": "authentication_failed", "detail": "The token has expired; sign in again."}


def test_a_password_change_ends_every_token(employee):
    client, _ = _signed_in(employee)
    employee.user.set_password("a-brand-new-passphrase")
    employee.user.save()
    assert client.get("/api/selfies/").status_code == 401


def test_a_revoked_token_gets_401(employee):
    client, _ = _signed_in(employee)
    assert client.delete("/api/auth/token/").status_code == 204
    assert client.get("/api/selfies/").status_code == 401
    assert AuditEvent.objects.filter(verb="api_token.revoked").count() == 1


def test_each_sign_in_makes_its_own_token(employee):
    first, _ = _signed_in(employee, "one")
    second, _ = _signed_in(employee, "two")
    assert first.delete("/api/auth/token/").status_code == 204
    assert second.get("/api/selfies/").status_code == 200


@pytest.mark.parametrize(
    "password, message",
    [("83749261", "entirely numeric"), ("{email}", "too similar")],
    ids=["all digits", "own e-mail"],
)
def test_the_password_policy_refuses_digits_and_the_own_e_mail(admin, password, message):
    from core.exceptions import ApplicationError
    from teams import services

    email = "new.person@" + admin.organization.allowed_domains[0]
    issued = services.invitation_create(actor=admin, email=email)
    with pytest.raises(ApplicationError, match=message):
        services.invitation_accept(token=issued.token, password=password.format(email=email))
