"""Deleting an account removes who the person was, not only their face data."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from compliance.models import ConsentRecord
from compliance.services.account_erasure import account_erase
from teams.models import Membership
from tests import factories

from .conftest import every_version, prefix_of

pytestmark = pytest.mark.django_db(transaction=True)


def _consent_with_origin(member):
    factories.consent(member)
    ConsentRecord.objects.filter(member=member).update(ip_address="203.0.113.7", user_agent="Mozilla/5.0 Ada's phone")


def test_account_erasure_removes_name_email_login_and_consent_origin(rendered, client):
    ada = rendered("Ada")
    _consent_with_origin(ada.member)
    email = ada.member.user.email
    client.force_login(ada.member.user)
    assert "Delete my account" in client.get("/privacy/").content.decode()
    response = client.post("/privacy/erase-account/", {"confirm": "erase my account"})
    assert response.status_code == 200 and str(ada.member.pk) in response.content.decode()

    user = get_user_model().objects.get(pk=ada.member.user_id)
    assert (user.first_name, user.last_name, user.is_active) == ("", "", False)
    assert user.email == f"{ada.member.pk}@erased.invalid" and not user.has_usable_password()
    assert not get_user_model().objects.filter(email=email).exists()
    records = ConsentRecord.objects.filter(member=ada.member)
    assert records.exists() and all(r.ip_address is None and r.user_agent == str(ada.member.pk) for r in records)
    assert all(r.withdrawn_at is not None for r in records)  # the history of what was agreed stays
    assert every_version(prefix_of(ada.member)) == []
    assert not client.login(username=email, password=factories.PASSWORD)
    assert Membership.objects.get(pk=ada.member.pk).active is False


def test_withdrawing_consent_keeps_the_account(rendered, client):
    ada = rendered("Ada")
    client.force_login(ada.member.user)
    client.post("/privacy/withdraw/", {"confirm": "1"})
    user = get_user_model().objects.get(pk=ada.member.user_id)
    assert user.is_active and user.email and user.first_name == "Ada"


def test_the_page_wants_the_words_typed(rendered, client):
    ada = rendered("Ada")
    client.force_login(ada.member.user)
    client.post("/privacy/erase-account/", {"confirm": "yes"})
    assert get_user_model().objects.get(pk=ada.member.user_id).is_active


def test_someone_else_cannot_erase_an_account(rendered, outsider):
    from core.exceptions import NotAllowed

    ada = rendered("Ada")
    with pytest.raises(NotAllowed):
        account_erase(member=ada.member, requested_by="x", actor=outsider)


def test_the_command_erases_the_account_too(admin, employee):
    out = io.StringIO()
    email = employee.user.email
    call_command("erase_member", org=admin.organization.slug, email=email, account=True, stdout=out)
    assert "verified" in out.getvalue()
    assert not get_user_model().objects.filter(email=email).exists()
