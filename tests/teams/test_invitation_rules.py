"""Domain rules, and bad input that must change nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from compliance.models import AuditEvent
from core.exceptions import ApplicationError
from teams import services
from teams.models import Invitation
from tests.page_helpers import browser, messages_of


def _nothing_changed(before_invitations: int, before_audit: int) -> None:
    assert Invitation.objects.count() == before_invitations
    assert AuditEvent.objects.count() == before_audit
    assert mail.outbox == []


def test_an_address_outside_the_domains_is_refused_unless_the_admin_overrides(admin, commit):
    before = Invitation.objects.count(), AuditEvent.objects.count()
    page = browser(admin)
    with commit():
        response = page.post(reverse("teams:invitation-create"), {"email": "someone@gmail.example"})
    assert response.status_code == 400
    assert any("outside the organisation's domains" in m for m in messages_of(response))
    _nothing_changed(*before)

    with commit():
        response = page.post(
            reverse("teams:invitation-create"), {"email": "contractor@gmail.example", "allow_outside_domain": "1"}
        )
    assert response.status_code == 200
    assert any("outside your organisation's domains" in m for m in messages_of(response))
    invitation = Invitation.objects.get(email="contractor@gmail.example")
    assert invitation.domain_override
    assert AuditEvent.objects.filter(verb="invitation.created", data__domain_override=True).exists()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("address", ["not an address", "two@@example.com", "nobody@", "@org.example"])
def test_an_address_that_does_not_parse_is_refused_and_nothing_changes(admin, commit, address):
    before = Invitation.objects.count(), AuditEvent.objects.count()
    with commit():
        response = browser(admin).post(reverse("teams:invitation-create"), {"email": address})
    assert response.status_code == 400
    assert any("is not a valid e-mail address" in m for m in messages_of(response))
    _nothing_changed(*before)


def test_a_csv_with_unknown_columns_is_refused_by_name_and_nothing_changes(admin, commit):
    domain = admin.organization.allowed_domains[0]
    before = Invitation.objects.count(), AuditEvent.objects.count()
    csv_text = f"email,first_name,salary,shoe_size\nann@{domain},Ann,100,42\n"
    with commit():
        response = browser(admin).post(reverse("teams:invitations-import"), {"csv_text": csv_text})
    assert response.status_code == 400
    [message] = messages_of(response)
    assert "Unknown CSV column(s): salary, shoe_size" in message
    _nothing_changed(*before)


def test_a_csv_row_outside_the_domains_is_a_named_row_error(admin):
    domain = admin.organization.allowed_domains[0]
    csv_text = f"email,first_name\nann@{domain},Ann\nbob@elsewhere.example,Bob\n"
    with pytest.raises(ApplicationError) as caught:
        services.invitations_import_csv(actor=admin, csv_text=csv_text)
    assert caught.value.details[0]["line"] == 3
    assert "outside the organisation's domains" in caught.value.details[0]["error"]
    assert not Invitation.objects.filter(email=f"ann@{domain}").exists()
    result = services.invitations_import_csv(actor=admin, csv_text=csv_text, allow_outside_domain=True)
    assert len(result.created) == 2


def test_an_admin_cannot_take_away_their_own_admin_role(admin):
    with pytest.raises(ApplicationError, match="your own admin role"):
        services.membership_role_change(actor=admin, member=admin, role="employee")
