"""POST /api/auth/token/: an e-mail and password buy an API token."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests import factories


def test_a_member_trades_email_and_password_for_a_token_that_works(employee):
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"email": employee.user.email.upper(), "password": factories.PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["membership"]["id"] == str(employee.id)

    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert client.get("/api/selfies/").status_code == 200


def test_a_wrong_password_gets_a_clear_message_and_no_token(employee):
    response = APIClient().post(
        "/api/auth/token/", {"email": employee.user.email, "password": "nope-nope-nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"error": "bad_credentials", "detail": "The e-mail or password is wrong."}


def test_anonymous_callers_are_turned_away(db):
    response = APIClient().get("/api/selfies/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
