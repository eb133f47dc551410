"""Password reset: Django's own views, mail from a task, and rate limits that say nothing about accounts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.page_helpers import browser


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_an_unknown_address_reads_the_same_and_sends_nothing(db, commit):
    with commit():
        response = browser().post(reverse("teams:password_reset"), {"email": "nobody@nowhere.example"})
    assert response.status_code == 302 and response.url == reverse("teams:password_reset_done")
    assert mail.outbox == []


def test_one_account_gets_at_most_three_mails_an_hour(employee, settings, commit):
    settings.PASSWORD_RESET_PER_EMAIL = 3
    for _ in range(5):
        with commit():
            response = browser().post(reverse("teams:password_reset"), {"email": employee.user.email})
        assert response.status_code == 302  # the page never tells
    assert len(mail.outbox) == 3


def test_one_address_is_stopped_after_ten_requests(db, settings):
    settings.PASSWORD_RESET_PER_IP = 10
    page = browser()
    statuses = [
        page.post(reverse("teams:password_reset"), {"email": f"x{i}@example.com"}).status_code for i in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_the_sign_in_page_links_to_the_reset(db):
    assert reverse("teams:password_reset") in browser().get(reverse("teams:login")).content.decode()


def test_reminders_are_on_the_beat_schedule(settings):
    from teams.tasks import invitation_reminders_task

    assert settings.CELERY_BEAT_SCHEDULE["invitation-reminders"]["task"] == invitation_reminders_task.name
