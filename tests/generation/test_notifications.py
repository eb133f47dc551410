"""People hear about their headshots: ready, approved, rejected with HR's reason, and erasure receipts."""

from __future__ import annotations

from django.core import mail

from compliance.services.erasure import member_erase
from generation import services
from tests import factories
from tests.page_helpers import rendered_job


def _mails_to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.user.email]]


def test_ready_then_approved(admin, hr, consented, commit):
    with commit():
        job = rendered_job(consented, admin=admin)
    [ready] = _mails_to(consented)
    assert ready.subject == "Your headshots are ready to choose from"
    assert f"/jobs/{job.id}/" in ready.body and ready.alternatives  # text and HTML
    chosen = services.headshot_choose(actor=consented, headshot=job.headshots.first())
    mail.outbox.clear()
    with commit():
        services.headshot_approve(actor=hr, headshot=chosen)
    [approved] = _mails_to(consented)
    assert approved.subject == "Your headshot is approved" and "/me/headshot/" in approved.body


def test_a_rejection_carries_hrs_reason(admin, hr, consented, commit):
    job = rendered_job(consented, admin=admin)
    chosen = services.headshot_choose(actor=consented, headshot=job.headshots.first())
    mail.outbox.clear()
    with commit():
        services.headshot_reject(actor=hr, headshot=chosen, reason="Please take off the sunglasses & retry")
    [rejected] = _mails_to(consented)
    assert "Please take off the sunglasses & retry" in rejected.body
    html = rejected.alternatives[0][0]
    assert "sunglasses &amp; retry" in html  # escaped in HTML


def test_an_erasure_sends_a_receipt(admin, commit):
    person = factories.consent(factories.member(admin=admin))
    email = person.user.email
    mail.outbox.clear()
    with commit():
        receipt = member_erase(member=person, reason="request", requested_by="self")
    [sent] = [m for m in mail.outbox if m.to == [email]]
    assert sent.subject == "Your headshot data has been deleted"
    assert str(receipt.pk) in sent.body
