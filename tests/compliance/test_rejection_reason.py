"""HR's reason for a rejection is about a person: it is kept with the headshot and erased with it."""

from __future__ import annotations

import pytest

from compliance.models import AuditEvent
from compliance.services import consent_withdraw
from generation import services as gen
from generation.models import Headshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reason_lives_on_the_headshot_not_in_the_audit_log(hr, rendered):
    ada = rendered("Ada")
    chosen = gen.headshot_choose(actor=ada.member, headshot=ada.job.headshots.first())
    gen.headshot_reject(actor=hr, headshot=chosen, reason="Ada looks tired, redo with the blue backdrop")

    assert Headshot.objects.get(pk=chosen.pk).rejection_reason.startswith("Ada looks tired")
    event = AuditEvent.objects.get(verb="headshot.rejected", target_id=str(chosen.pk))
    assert event.data == {}
    assert not any("tired" in str(e.data) for e in AuditEvent.objects.all())

    consent_withdraw(member=ada.member)
    assert not Headshot.objects.filter(pk=chosen.pk).exists()  # and the reason with it
