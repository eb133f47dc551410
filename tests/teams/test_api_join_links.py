"""/api/join-links/: open links for the organisation's domains, capped and expiring."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from teams import services
from teams.models import JoinLink, Membership
from tests import factories

JOIN = "/api/join-links/join/"


def _link(admin, **kwargs) -> services.IssuedJoinLink:
    options = {"max_uses": 2, "expires_at": timezone.now() + timedelta(days=1)} | kwargs
    return services.join_link_create(actor=admin, **options)


def _join(api, token: str, email: str):
    return api().post(JOIN, {"token": token, "email": email, "password": factories.PASSWORD}, format="json")


def test_an_admin_makes_a_link_and_a_colleague_joins_with_their_work_address(admin, api):
    response = api(admin).post(
        "/api/join-links/",
        {"max_uses": 5, "expires_at": (timezone.now() + timedelta(days=7)).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.data
    joined = _join(api, response.data["token"], f"new@{admin.organization.allowed_domains[0]}")
    assert joined.status_code == 201, joined.data
    assert joined.data["membership"]["organization"]["id"] == str(admin.organization.id)
    assert JoinLink.objects.get(pk=response.data["link"]["id"]).uses == 1


def test_an_address_outside_the_allowed_domains_is_refused(admin, api):
    issued = _link(admin)
    before = Membership.objects.count()
    response = _join(api, issued.token, "someone@gmail.com")
    assert (response.status_code, response.data["error"]) == (400, "domain_not_allowed")
    assert admin.organization.allowed_domains[0] in response.data["detail"]
    assert Membership.objects.count() == before
    assert JoinLink.objects.get(pk=issued.link.pk).uses == 0


def test_an_exhausted_link_is_refused(admin, api):
    issued = _link(admin, max_uses=1)
    domain = admin.organization.allowed_domains[0]
    assert _join(api, issued.token, f"first@{domain}").status_code == 201
    before = Membership.objects.count()
    response = _join(api, issued.token, f"second@{domain}")
    assert (response.status_code, response.data["error"]) == (400, "link_exhausted")
    assert "usage limit" in response.data["detail"]
    assert Membership.objects.count() == before


def test_an_expired_link_is_refused(admin, api):
    issued = _link(admin)
    JoinLink.objects.filter(pk=issued.link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = Membership.objects.count()
    response = _join(api, issued.token, f"late@{admin.organization.allowed_domains[0]}")
    assert (response.status_code, response.data["error"]) == (400, "token_expired")
    assert Membership.objects.count() == before


def test_someone_from_another_organisation_cannot_see_a_link(admin, outsider, api):
    issued = _link(admin)
    assert api(outsider).get(f"/api/join-links/{issued.link.id}/").status_code == 404
    assert api(outsider).get("/api/join-links/").data["results"] == []
    assert api(admin).get(f"/api/join-links/{issued.link.id}/").status_code == 200


def test_an_employee_cannot_make_a_link(employee, api):
    before = JoinLink.objects.count()
    response = api(employee).post(
        "/api/join-links/",
        {"max_uses": 5, "expires_at": (timezone.now() + timedelta(days=7)).isoformat()},
        format="json",
    )
    assert (response.status_code, response.data["error"]) == (403, "not_admin")
    assert JoinLink.objects.count() == before


def test_an_employee_cannot_list_links(employee, api):
    assert api(employee).get("/api/join-links/").status_code == 403
