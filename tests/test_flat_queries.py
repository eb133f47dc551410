"""Every list page and API endpoint costs the same number of queries for 3 people as for 30.

(The bench measures 10 against 10,000 people, with timings; here the counts only.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from generation import services
from teams import services as teams
from tests import factories
from tests.export_support import rendered_headshot, synthetic_master

HR_PAGES = ["/", "/review/", "/review/?page=2", "/exports/", "/privacy/", "/consent/"]
ADMIN_PAGES = ["/invitations/"]
HR_API = [
    "/api/jobs/",
    "/api/headshots/",
    "/api/exports/",
    "/api/consent/",
    "/api/privacy/",
]
ADMIN_API = ["/api/invitations/", "/api/join-links/"]


def _grow(admin, hr, count: int) -> None:
    """``count`` more people, each with a chosen headshot waiting for review, and an invitation."""
    for n in range(count):
        person = factories.consent(factories.member(admin=admin))
        chosen = services.headshot_choose(
            actor=person, headshot=rendered_headshot(person, synthetic_master(n, size=64))
        )
        if n == 0:
            services.headshot_approve(actor=hr, headshot=chosen)
        teams.invitation_create(
            actor=admin, email=f"new{n}-{person.pk.hex[:6]}@{admin.organization.allowed_domains[0]}"
        )
    services.export_create(actor=hr)  # queued: the list shows it either way


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _all_counts(admin, hr, client_for) -> dict[str, int]:
    counts = {}
    for who, urls in ((hr, HR_PAGES + HR_API), (admin, ADMIN_PAGES + ADMIN_API)):
        client = client_for(who)
        counts |= {url: _count(client, url) for url in urls}
    return counts


@pytest.fixture
def client_for(client):
    def login(member):
        client.force_login(member.user)
        return client

    return login


def test_every_list_costs_the_same_queries_at_3_and_30_people(admin, hr, client_for, django_assert_max_num_queries):
    factories.consent(hr)
    _grow(admin, hr, 3)
    small = _all_counts(admin, hr, client_for)
    _grow(admin, hr, 27)
    large = _all_counts(admin, hr, client_for)
    assert large == small, (small, large)
    print(small)
    for url, count in small.items():  # and the bound holds on its own, url by url
        client = client_for(admin if url in ADMIN_PAGES + ADMIN_API else hr)
        with django_assert_max_num_queries(count):
            client.get(url)
