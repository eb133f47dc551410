"""The reminder sweep, with the clock moved: who is reminded, how often, and when it stops."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from teams import services
from teams.models import Invitation
from tests.factories import PASSWORD


def _invite(admin, name: str, commit) -> Invitation:
    domain = admin.organization.allowed_domains[0]
    with commit():
        return services.invitation_create(actor=admin, email=f"{name}@{domain}").invitation


def _sweep(days: float, commit) -> list[str]:
    """Run the sweep ``days`` after now; return who got a reminder."""
    mail.outbox.clear()
    with commit():
        services.invitation_reminders_send(now=timezone.now() + timedelta(days=days))
    return sorted(m.to[0].split("@")[0] for m in mail.outbox)


def test_reminders_follow_the_cadence_and_stop_after_the_cap(admin, settings, commit):
    settings.INVITATION_REMINDER_DAYS, settings.INVITATION_REMINDER_MAX = 3, 2
    _invite(admin, "slow", commit)
    assert _sweep(1, commit) == []  # too early
    assert _sweep(3.01, commit) == ["slow"]  # first reminder
    assert _sweep(4, commit) == []  # the next is 3 days after the first
    assert _sweep(6.02, commit) == ["slow"]  # second reminder
    assert _sweep(9.03, commit) == []  # the cap (2) is reached
    invitation = Invitation.objects.get(email__startswith="slow@")
    assert invitation.reminders_sent == 2


def test_only_people_who_have_not_finished_are_reminded(admin, settings, commit):
    settings.INVITATION_REMINDER_DAYS = 3
    joined = _invite(admin, "joined", commit)
    revoked = _invite(admin, "revoked", commit)
    _invite(admin, "waiting", commit)
    token = services.invitation_link(joined).rstrip("/").rsplit("/", 1)[-1]  # the link in the mail
    services.invitation_accept(token=token, password=PASSWORD)
    services.invitation_revoke(actor=admin, invitation=revoked)
    assert _sweep(3.01, commit) == ["waiting"]


def test_an_expired_or_bounced_invitation_is_not_reminded(admin, settings, commit):
    settings.INVITATION_REMINDER_DAYS, settings.INVITATION_TTL_DAYS = 3, 14
    _invite(admin, "bounced", commit)
    Invitation.objects.filter(email__startswith="bounced@").update(delivery="bounced")
    _invite(admin, "late", commit)
    assert _sweep(15, commit) == []  # past the 14-day expiry
    assert _sweep(3.01, commit) == ["late"]


def test_a_second_sweep_at_the_same_moment_sends_nothing_twice(admin, commit):
    _invite(admin, "once", commit)
    now = timezone.now() + timedelta(days=10)
    with commit():
        first = services.invitation_reminders_send(now=now)
        second = services.invitation_reminders_send(now=now)
    assert (first, second) == (1, 0)


def test_a_manual_reminder_resets_the_automatic_cadence(admin, settings, commit):
    settings.INVITATION_REMINDER_DAYS = 3
    invitation = _invite(admin, "nudged", commit)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=5))
    with commit():
        services.invitation_remind(actor=admin, invitation=invitation)
    assert _sweep(0, commit) == []  # reminded by hand just now
    assert _sweep(3.01, commit) == ["nudged"]
