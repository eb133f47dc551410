"""Accepting an invitation and joining through an open link, from the browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from teams import services
from teams.models import Invitation, Membership
from tests.factories import PASSWORD
from tests.page_helpers import browser, messages_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def _invite(admin, email="newbie"):
    return services.invitation_create(
        actor=admin,
        email=f"{email}@{admin.organization.allowed_domains[0]}",
        first_name="Nia",
        department="Ops",
    )


def test_an_invited_person_sets_a_password_and_lands_on_the_consent_page(admin):
    issued = _invite(admin)
    page = browser()
    form = page.get(reverse("teams:invite-accept", args=[issued.token]))
    assert form.status_code == 200 and issued.invitation.email.encode() in form.content
    assert b"csrfmiddlewaretoken" in form.content
    response = page.post(
        reverse("teams:invite-accept", args=[issued.token]), {"password": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("compliance:consent")
    member = Membership.objects.get(user__email=issued.invitation.email)
    assert member.organization == admin.organization and member.department == "Ops"
    assert page.get(reverse("teams:home")).status_code == 200  # signed in


def test_an_unknown_token_says_so(db):
    response = browser().get(reverse("teams:invite-accept", args=["not-a-token"]))
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_a_used_token_says_so_and_creates_nothing(admin):
    issued = _invite(admin)
    services.invitation_accept(token=issued.token, password=PASSWORD)
    response = browser().post(
        reverse("teams:invite-accept", args=[issued.token]), {"password": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 400 and b"already been used" in response.content
    assert User.objects.filter(email=issued.invitation.email).count() == 1


def test_an_expired_token_says_so(admin):
    issued = _invite(admin)
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = browser().get(reverse("teams:invite-accept", args=[issued.token]))
    assert response.status_code == 400 and b"expired" in response.content


@pytest.mark.parametrize(
    "password, password2, message",
    [
        ("short", "short", "too short"),
        (PASSWORD, PASSWORD + "x", "do not match"),
    ],
)
def test_a_bad_password_keeps_the_invitation_open(admin, password, password2, message):
    issued = _invite(admin)
    response = browser().post(
        reverse("teams:invite-accept", args=[issued.token]),
        {"password": password, "password2": password2},
    )
    assert response.status_code == 400
    assert message in " ".join(messages_of(response))
    assert not User.objects.filter(email=issued.invitation.email).exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None


def _link(admin, **kwargs):
    return services.join_link_create(
        actor=admin,
        max_uses=kwargs.get("max_uses", 3),
        expires_at=timezone.now() + timedelta(days=1),
    )


def _join(token, email):
    return browser().post(
        reverse("teams:join", args=[token]),
        {
            "email": email,
            "first_name": "Jo",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_someone_at_the_organisations_domain_joins_through_the_open_link(admin):
    issued = _link(admin)
    assert browser().get(reverse("teams:join", args=[issued.token])).status_code == 200
    response = _join(issued.token, f"jo@{admin.organization.allowed_domains[0]}")
    assert response.status_code == 302 and response["Location"] == reverse("compliance:consent")
    assert Membership.objects.get(user__email__startswith="jo@").organization == admin.organization
    issued.link.refresh_from_db()
    assert issued.link.uses == 1


def test_an_address_outside_the_domains_is_refused_and_nothing_is_created(admin):
    issued = _link(admin)
    response = _join(issued.token, "jo@gmail.com")
    assert response.status_code == 400
    assert "only for addresses at" in " ".join(messages_of(response))
    assert not User.objects.filter(email="jo@gmail.com").exists()
    issued.link.refresh_from_db()
    assert issued.link.uses == 0


def test_a_used_up_or_unknown_join_link_is_refused(admin):
    issued = _link(admin, max_uses=1)
    domain = admin.organization.allowed_domains[0]
    assert _join(issued.token, f"first@{domain}").status_code == 302
    response = _join(issued.token, f"second@{domain}")
    assert response.status_code == 400 and "usage limit" in " ".join(messages_of(response))
    response = _join("nope", f"third@{domain}")
    assert response.status_code == 400 and "not valid" in " ".join(messages_of(response))
    assert not User.objects.filter(email__in=[f"second@{domain}", f"third@{domain}"]).exists()


def test_sign_in_and_sign_out(employee):
    page = browser()
    response = page.post(reverse("teams:login"), {"username": employee.user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert page.get(reverse("teams:home")).status_code == 200
    assert page.post(reverse("teams:logout")).status_code == 302
    assert page.get(reverse("teams:home")).status_code == 302


def test_forms_need_the_csrf_token(admin):
    issued = _invite(admin)
    page = browser(enforce_csrf_checks=True)
    response = page.post(
        reverse("teams:invite-accept", args=[issued.token]), {"password": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email=issued.invitation.email).exists()


def test_staff_without_an_organisation_land_in_the_django_admin(db):
    staff = User.objects.create_user(username="ops", password=PASSWORD, is_staff=True)
    page = browser()
    page.force_login(staff)
    response = page.get(reverse("teams:home"))
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_a_signed_in_user_without_an_organisation_is_told_why_and_can_sign_out(db):
    user = User.objects.create_user(username="left@example.com", email="left@example.com", password=PASSWORD)
    page = browser()
    page.force_login(user)
    response = page.get(reverse("teams:home"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "not part of an organisation" in body and reverse("teams:logout") in body
