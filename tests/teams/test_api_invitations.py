"""/api/invitations/: admins invite one person at a time; invitees accept with their token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from teams import services
from teams.models import Invitation, Membership
from tests import factories

ACCEPT = "/api/invitations/accept/"


def test_an_admin_invites_someone_who_accepts_and_gets_a_token(admin, api):
    response = api(admin).post(
        "/api/invitations/",
        {"email": "new@" + admin.organization.allowed_domains[0], "role": "hr", "department": "People"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["invitation"]["role"] == "hr"

    accepted = api().post(ACCEPT, {"token": response.data["token"], "password": factories.PASSWORD}, format="json")
    assert accepted.status_code == 201, accepted.data
    member = Membership.objects.get(pk=accepted.data["membership"]["id"])
    assert (member.role, member.department, member.organization) == ("hr", "People", admin.organization)
    assert accepted.data["token"]


def test_an_admin_lists_only_their_own_organisations_invitations(admin, employee, outsider, api):
    factories.member(admin=outsider)
    listed = api(admin).get("/api/invitations/").data["results"]
    assert {row["email"] for row in listed} == {employee.user.email}


def test_someone_from_another_organisation_cannot_see_an_invitation(admin, outsider, api):
    issued = services.invitation_create(actor=admin, email=f"x@{admin.organization.allowed_domains[0]}")
    assert api(outsider).get(f"/api/invitations/{issued.invitation.id}/").status_code == 404
    assert api(admin).get(f"/api/invitations/{issued.invitation.id}/").status_code == 200


@pytest.mark.parametrize("path", ["/api/invitations/", "/api/invitations/import/"])
def test_an_employee_cannot_invite(employee, api, path):
    before = Invitation.objects.count()
    response = api(employee).post(path, {"email": "x@example.com"}, format="json")
    assert response.status_code == 403
    assert response.data["error"] == "not_admin"
    assert Invitation.objects.count() == before


def test_an_employee_cannot_list_invitations(employee, api):
    assert api(employee).get("/api/invitations/").status_code == 403


def test_hr_cannot_invite_either(hr, api):
    assert api(hr).post("/api/invitations/", {"email": "x@example.com"}, format="json").status_code == 403


def test_inviting_a_bad_address_is_refused_and_changes_nothing(admin, api):
    before = Invitation.objects.count()
    response = api(admin).post("/api/invitations/", {"email": "not-an-address"}, format="json")
    assert response.status_code == 400
    assert response.data == {"error": "bad_email", "detail": "not-an-address is not a valid e-mail address."}
    assert Invitation.objects.count() == before


def _issue(admin) -> services.IssuedInvitation:
    return services.invitation_create(actor=admin, email=f"late@{admin.organization.allowed_domains[0]}")


def _accept(api, token: str):
    return api().post(ACCEPT, {"token": token, "password": factories.PASSWORD}, format="json")


def test_an_unknown_token_is_refused(admin, api):
    before = Membership.objects.count()
    response = _accept(api, "made-up")
    assert response.status_code == 400
    assert response.data["error"] == "bad_token"
    assert "not valid" in response.data["detail"]
    assert Membership.objects.count() == before


def test_an_expired_token_is_refused(admin, api):
    issued = _issue(admin)
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = Membership.objects.count()
    response = _accept(api, issued.token)
    assert (response.status_code, response.data["error"]) == (400, "token_expired")
    assert "expired" in response.data["detail"]
    assert Membership.objects.count() == before


def test_a_used_token_is_refused_the_second_time(admin, api):
    issued = _issue(admin)
    assert _accept(api, issued.token).status_code == 201
    before = Membership.objects.count()
    response = _accept(api, issued.token)
    assert (response.status_code, response.data["error"]) == (400, "token_used")
    assert "already been used" in response.data["detail"]
    assert Membership.objects.count() == before
