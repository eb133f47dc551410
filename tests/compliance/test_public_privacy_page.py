"""Each organisation's privacy notice is public: purpose, every retention term, processors, contact."""

from __future__ import annotations

import pytest

from compliance.selectors import retention_schedule
from compliance.services import retention_policy_get, retention_policy_update

pytestmark = pytest.mark.django_db


def test_the_public_page_renders_without_login_and_lists_every_retention_term(admin, client):
    retention_policy_update(
        actor=admin,
        changes={
            "selfie_days": 12,
            "rejected_selfie_days": 2,
            "unchosen_days": 21,
            "offboarding_days": 45,
            "export_days": 9,
            "audit_years": 7,
            "privacy_contact": "privacy@acme.example",
        },
    )
    response = client.get(f"/privacy/o/{admin.organization.slug}/")  # nobody signed in
    assert response.status_code == 200
    page = response.content.decode()
    for term in (
        "12 days after the last headshot job",
        "at most 2 days",
        "3 years after upload",
        "21 days after they are made",
        "plus 45 days",
        "9 days after they are built",
        "7 years",
    ):
        assert term in page, term
    policy = retention_policy_get(organization=admin.organization)
    assert all(what in page and term in page for what, term in retention_schedule(policy=policy))
    assert "privacy@acme.example" in page and "Purpose" in page and "controller" in page


def test_every_policy_field_is_in_the_schedule(admin):
    """A new retention field must reach the public page: the schedule names each one's value."""
    from compliance.models import RetentionPolicy

    numbers = [f.name for f in RetentionPolicy._meta.fields if f.get_internal_type() == "PositiveIntegerField"]
    values = {name: 11 + i for i, name in enumerate(numbers)} | {"audit_years": 9}  # distinct, within limits
    policy = retention_policy_update(actor=admin, changes=values)
    text = " ".join(term for _what, term in retention_schedule(policy=policy))
    for name in numbers:
        assert str(getattr(policy, name)) in text, name


def test_an_unknown_organisation_is_a_404(client, db):
    assert client.get("/privacy/o/no-such-org/").status_code == 404
