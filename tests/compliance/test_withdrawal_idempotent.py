"""Withdrawing twice gives one receipt; consenting again and withdrawing gives a second."""

from __future__ import annotations

import pytest

from compliance.models import DeletionReceipt
from compliance.services import consent_withdraw
from tests import factories

pytestmark = pytest.mark.django_db


def test_repeated_withdrawals_return_the_same_receipt(consented, api):
    client = api(consented)
    first = client.post("/api/consent/withdraw/")
    again = [client.post("/api/consent/withdraw/") for _ in range(3)]
    assert first.status_code == 200 and all(r.data == first.data for r in again)
    assert DeletionReceipt.objects.filter(member_id=consented.id).count() == 1


def test_a_new_consent_then_withdrawal_makes_a_new_receipt(consented):
    first = consent_withdraw(member=consented)
    assert consent_withdraw(member=consented).pk == first.pk
    factories.consent(consented)
    assert consent_withdraw(member=consented).pk != first.pk
    assert DeletionReceipt.objects.filter(member_id=consented.id).count() == 2
