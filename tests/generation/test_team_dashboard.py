"""The team dashboard and its API: statuses, counts, filters, CSV, pages, and who may see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from generation import services as gen
from teams import services
from teams.models import Membership
from tests import factories
from tests.page_helpers import approved_headshot, browser

User = get_user_model()


def _bulk_members(admin: Membership, count: int, *, department: str = "Sales") -> None:
    """Many people at once (the services make one at a time, which is not what this test is about)."""
    domain = admin.organization.allowed_domains[0]
    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(username=f"bulk{i}@{domain}", email=f"bulk{i}@{domain}", first_name="Bulk", last_name=f"{i:05d}")
            for i in range(start, start + count)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organization=admin.organization, department=department) for u in users]
    )


def _statuses(response) -> dict[str, str]:
    return {row["email"]: row["status"] for row in response.json()["results"]}


def test_each_person_shows_where_they_are(admin, hr, consented, api):
    domain = admin.organization.allowed_domains[0]
    services.invitation_create(actor=admin, email=f"invited@{domain}")
    joined = factories.member(admin=admin, first_name="Joe")
    uploader = factories.consent(factories.member(admin=admin, first_name="Uma"))
    gen.selfie_upload(actor=uploader, data=factories.astronaut_png())
    rendering = factories.consent(factories.member(admin=admin, first_name="Ren"))
    factories.selfie(actor=rendering, data=factories.astronaut_png())
    gen.job_enqueue(actor=rendering, idempotency_key="queued")  # on-commit never fires here: it stays queued
    approved = factories.member(admin=admin, first_name="Ali")
    approved_headshot(approved, admin=admin, hr=hr)
    leaver = factories.member(admin=admin, first_name="Lee")
    services.membership_deactivate(actor=admin, member=leaver)

    body = api(hr).get("/api/team/").json()
    statuses = {row["email"]: row["status"] for row in body["results"]}
    assert statuses[f"invited@{domain}"] == "invited"
    assert statuses[joined.user.email] == "joined"
    assert statuses[consented.user.email] == "consented"
    assert statuses[uploader.user.email] == "uploaded"
    assert statuses[rendering.user.email] == "rendering"
    assert statuses[approved.user.email] == "approved"
    assert statuses[leaver.user.email] == "left"
    assert body["counts"]["approved"] == 1 and body["counts"]["invited"] == 1

    page = browser(hr).get(reverse("generation:team"))
    assert page.status_code == 200
    assert "1 of 8 approved" in page.content.decode()  # admin, hr, and six members still here


def test_filters_and_search_narrow_the_list(admin, hr, api):
    factories.member(admin=admin, first_name="Zed", department="Legal")
    factories.member(admin=admin, first_name="Amy", department="Sales")
    client = api(hr)
    assert [r["name"].split()[0] for r in client.get("/api/team/?department=Legal").json()["results"]] == ["Zed"]
    assert [r["name"].split()[0] for r in client.get("/api/team/?search=amy").json()["results"]] == ["Amy"]
    assert {r["role"] for r in client.get("/api/team/?role=hr").json()["results"]} == {"hr"}
    assert client.get("/api/team/?status=nonsense").status_code == 400
    page = browser(hr).get(reverse("generation:team"), {"department": "Legal"})
    assert "Zed" in page.content.decode() and "Amy" not in page.content.decode()


def test_the_csv_has_everyone_who_matches(admin, hr):
    factories.member(admin=admin, first_name="Zed", department="Legal")
    services.invitation_create(actor=admin, email=f"new@{admin.organization.allowed_domains[0]}")
    response = browser(hr).get(reverse("generation:team-csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["status"] for r in rows} >= {"invited", "joined"}
    assert len(rows) == 4  # admin, hr, Zed, the invitation
    legal = browser(hr).get(reverse("generation:team-csv"), {"department": "Legal"})
    assert len(list(csv.DictReader(io.StringIO(b"".join(legal.streaming_content).decode())))) == 1


def test_a_thousand_members_are_listed_in_pages_of_fifty(admin, hr, api):
    _bulk_members(admin, 1000)
    client = api(hr)
    first = client.get("/api/team/").json()
    assert first["count"] == 1002 and len(first["results"]) == 50
    last = client.get("/api/team/?page=21").json()
    assert len(last["results"]) == 2 and last["next"] is None
    seen = set()
    for number in range(1, 22):
        seen |= {r["id"] for r in client.get(f"/api/team/?page={number}").json()["results"]}
    assert len(seen) == 1002  # every row once, none twice
    page = browser(hr).get(reverse("generation:team"), {"page": 2})
    assert page.status_code == 200 and "Page 2 of 21" in page.content.decode()
    assert len(page.context["rows"]) == 50


def test_the_page_and_the_api_cost_the_same_queries_for_any_team_size(admin, hr, api, django_assert_max_num_queries):
    client, page = api(hr), browser(hr)
    _bulk_members(admin, 5)
    with django_assert_max_num_queries(12) as small_page:
        page.get(reverse("generation:team"))
    with django_assert_max_num_queries(8) as small_api:
        client.get("/api/team/")
    _bulk_members(admin, 300, department="Support")
    for number in range(3):
        services.invitation_create(actor=admin, email=f"inv{number}@{admin.organization.allowed_domains[0]}")
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        assert page.get(reverse("generation:team")).status_code == 200
    with django_assert_max_num_queries(len(small_api.captured_queries)):
        assert client.get("/api/team/").status_code == 200


# --- Who may see and do what -------------------------------------------------


@pytest.mark.parametrize("name", ["generation:team", "generation:team-csv", "generation:brand-style"])
def test_an_employee_gets_403_on_every_dashboard_and_style_page(employee, name):
    assert browser(employee).get(reverse(name)).status_code == 403


def test_hr_cannot_edit_the_style_or_act_on_members(admin, hr):
    page = browser(hr)
    assert page.get(reverse("generation:brand-style")).status_code == 403
    assert page.post(reverse("teams:member-role", args=[admin.id]), {"role": "employee"}).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/team/"),
        ("patch", "/api/brand-style/"),
        ("post", "/api/brand-style/preview/"),
        ("post", "/api/invitations/resend/"),
    ],
)
def test_an_employee_gets_403_from_every_new_api_endpoint(employee, api, method, url):
    assert getattr(api(employee), method)(url, {}, format="json").status_code == 403


def _acme_invitation(admin):
    return services.invitation_create(actor=admin, email=f"x@{admin.organization.allowed_domains[0]}").invitation


@pytest.mark.parametrize("action", ["teams:invitation-resend", "teams:invitation-remind", "teams:invitation-revoke"])
def test_another_organisations_invitation_is_a_404(admin, outsider, action):
    invitation = _acme_invitation(admin)
    assert browser(outsider).post(reverse(action, args=[invitation.id])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("action", ["resend", "remind", "revoke"])
def test_another_organisations_invitation_is_a_404_in_the_api(admin, outsider, api, action):
    invitation = _acme_invitation(admin)
    assert api(outsider).post(f"/api/invitations/{invitation.id}/{action}/").status_code == 404


@pytest.mark.parametrize("action", ["teams:member-role", "teams:member-offboard"])
def test_another_organisations_member_is_a_404(employee, outsider, action):
    response = browser(outsider).post(reverse(action, args=[employee.id]), {"role": "admin"})
    assert response.status_code == 404
    employee.refresh_from_db()
    assert employee.active and employee.role == "employee"


def test_bulk_resend_ignores_another_organisations_ids(admin, outsider, api, commit):
    invitation = _acme_invitation(admin)
    assert api(outsider).post("/api/invitations/resend/", {"ids": [str(invitation.id)]}, format="json").json() == {
        "resent": 0
    }


def test_another_organisation_never_sees_our_people(admin, employee, outsider, api):
    emails = {r["email"] for r in api(outsider).get("/api/team/").json()["results"]}
    assert employee.user.email not in emails and admin.user.email not in emails
    assert employee.user.email not in browser(outsider).get(reverse("generation:team")).content.decode()


def test_an_admin_changes_a_role_and_offboards_from_the_dashboard(admin, employee):
    page = browser(admin)
    assert page.post(reverse("teams:member-role", args=[employee.id]), {"role": "hr"}).status_code == 302
    employee.refresh_from_db()
    assert employee.role == "hr"
    assert page.post(reverse("teams:member-offboard", args=[employee.id])).status_code == 302
    employee.refresh_from_db()
    assert not employee.active


def test_an_admin_resends_several_invitations_at_once_and_returns_to_the_filtered_list(admin, commit):
    from django.core import mail

    domain = admin.organization.allowed_domains[0]
    first = services.invitation_create(actor=admin, email=f"a@{domain}", send=False).invitation
    second = services.invitation_create(actor=admin, email=f"b@{domain}", send=False).invitation
    back = reverse("generation:team") + "?status=invited"
    with commit():
        response = browser(admin).post(
            reverse("teams:invitations-resend"), {"invitation": [first.id, second.id], "next": back}
        )
    assert response.status_code == 302 and response.url == back
    assert sorted(m.to[0] for m in mail.outbox) == [f"a@{domain}", f"b@{domain}"]
    response = browser(admin).post(reverse("teams:invitations-resend"), {"next": "https://evil.example/"})
    assert response.url == reverse("generation:team")  # never off-site
