"""/api/headshots/: the employee chooses, HR approves or rejects with a reason."""

from __future__ import annotations

import pytest

from generation.models import Headshot
from tests import factories
from tests.api_support import chosen_headshot, query_count, rendered_job


@pytest.fixture
def job(consented, django_capture_on_commit_callbacks):
    return rendered_job(consented, django_capture_on_commit_callbacks)


@pytest.fixture
def chosen(consented, django_capture_on_commit_callbacks):
    return chosen_headshot(consented, django_capture_on_commit_callbacks)


def test_an_employee_chooses_a_favourite_and_hr_approves_it(job, consented, hr, api):
    listed = api(consented).get("/api/headshots/").data["results"]
    assert len(listed) == 4
    favourite = listed[1]["id"]
    assert api(consented).post(f"/api/headshots/{favourite}/choose/").data["chosen"] is True

    queue = api(hr).get("/api/headshots/?review_state=pending&chosen=true").data["results"]
    assert [h["id"] for h in queue] == [favourite]
    approved = api(hr).post(f"/api/headshots/{favourite}/approve/")
    assert approved.status_code == 200, approved.data
    assert approved.data["review_state"] == "approved" and approved.json()["reviewed_by"] == str(hr.id)


def test_hr_rejects_with_a_reason_and_the_employee_chooses_again(chosen, consented, hr, api):
    response = api(hr).post(f"/api/headshots/{chosen.id}/reject/", {"reason": "Too dark"}, format="json")
    assert response.status_code == 200, response.data
    assert api(consented).get(f"/api/headshots/{chosen.id}/").data["rejection_reason"] == "Too dark"
    other = Headshot.objects.filter(member=consented).exclude(pk=chosen.pk).first()
    assert api(consented).post(f"/api/headshots/{other.id}/choose/").status_code == 200


def test_a_rejection_needs_a_reason(chosen, hr, api):
    response = api(hr).post(f"/api/headshots/{chosen.id}/reject/", {"reason": "  "}, format="json")
    assert (response.status_code, response.data["error"]) == (400, "reason_required")
    chosen.refresh_from_db()
    assert chosen.review_state == "pending"


def test_an_unknown_review_state_filter_is_refused(hr, api):
    response = api(hr).get("/api/headshots/?review_state=maybe")
    assert (response.status_code, response.data["error"]) == (400, "bad_filter")


def test_the_image_link_is_short_lived_and_works(job, consented, api):
    headshot = job.headshots.first()
    link = api(consented).get(f"/api/headshots/{headshot.id}/image/").data
    assert link["expires_in"] <= 300 and link["url"]


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_an_employee_cannot_review(chosen, consented, api, verb):
    response = api(consented).post(f"/api/headshots/{chosen.id}/{verb}/", {"reason": "mine"}, format="json")
    assert (response.status_code, response.data["error"]) == (403, "not_hr")
    chosen.refresh_from_db()
    assert chosen.review_state == "pending"


def test_hr_cannot_choose_for_an_employee(job, hr, api):
    assert api(hr).post(f"/api/headshots/{job.headshots.first().id}/choose/").status_code == 404
    assert not Headshot.objects.filter(chosen=True).exists()


def test_an_employee_never_sees_a_colleagues_headshots(job, admin, api):
    colleague = factories.member(admin=admin)
    headshot = job.headshots.first()
    assert api(colleague).get("/api/headshots/").data["results"] == []
    assert api(colleague).get(f"/api/headshots/{headshot.id}/").status_code == 404
    assert api(colleague).get(f"/api/headshots/{headshot.id}/image/").status_code == 404


@pytest.mark.parametrize(
    "method, action", [("get", ""), ("get", "image/"), ("post", "choose/"), ("post", "approve/"), ("post", "reject/")]
)
def test_someone_from_another_organisation_gets_a_404(chosen, outsider, api, method, action):
    # The outsider is an admin, so role checks pass and only tenancy decides.
    response = getattr(api(outsider), method)(f"/api/headshots/{chosen.id}/{action}", {"reason": "x"}, format="json")
    assert response.status_code == 404
    chosen.refresh_from_db()
    assert chosen.review_state == "pending"
    assert api(outsider).get("/api/headshots/").data["results"] == []


def test_the_review_queue_costs_the_same_queries_however_long_it_is(
    chosen, admin, hr, api, django_capture_on_commit_callbacks
):
    client = api(hr)
    one = query_count(lambda: client.get("/api/headshots/?chosen=true"))
    chosen_headshot(factories.member(admin=admin), django_capture_on_commit_callbacks)
    two = query_count(lambda: client.get("/api/headshots/?chosen=true"))
    assert len(client.get("/api/headshots/?chosen=true").data["results"]) == 2
    assert one == two
