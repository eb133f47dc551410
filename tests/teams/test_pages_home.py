"""The home page shows each role what it can do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.page_helpers import browser

pytestmark = pytest.mark.django_db


def test_an_employee_sees_their_steps_and_no_staff_links(employee):
    response = browser(employee).get(reverse("teams:home"))
    assert response.status_code == 200
    assert b"not given yet" in response.content
    assert reverse("generation:review").encode() not in response.content
    assert reverse("teams:invitations").encode() not in response.content


def test_hr_sees_the_review_and_export_links(hr):
    response = browser(hr).get(reverse("teams:home"))
    assert (
        reverse("generation:review").encode() in response.content
        and reverse("generation:exports").encode() in response.content
    )
    assert reverse("teams:invitations").encode() not in response.content


def test_an_admin_sees_the_invitations_link(admin):
    response = browser(admin).get(reverse("teams:home"))
    assert reverse("teams:invitations").encode() in response.content
