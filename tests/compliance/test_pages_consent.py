"""The consent page: the whole text, its version and hash, recorded with IP and user agent."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from compliance.models import AuditEvent, ConsentRecord, ConsentText, RetentionPolicy
from compliance.services import consent_text_current
from tests.page_helpers import browser, messages_of

pytestmark = pytest.mark.django_db


def _form(text, **extra):
    return {"text_version": text.version, "text_sha256": text.sha256, "agree": "1"} | extra


def test_the_page_shows_the_whole_text_with_version_and_hash(employee):
    text = consent_text_current(organization=employee.organization)
    response = browser(employee).get(reverse("compliance:consent"))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    # Reflowed to the screen's width, word for word.
    assert " ".join(text.body.split()) in " ".join(strip_tags(body).split())
    assert text.version in body and text.sha256 in body


def test_consenting_records_the_hash_method_ip_and_user_agent(employee):
    text = consent_text_current(organization=employee.organization)
    page = browser(employee, HTTP_USER_AGENT="Firefox/200", REMOTE_ADDR="203.0.113.7")
    response = page.post(reverse("compliance:consent"), _form(text))
    assert response.status_code == 302 and response["Location"] == reverse("generation:selfies")
    record = ConsentRecord.objects.get(member=employee)
    assert (record.text_version, record.text_sha256, record.method) == (
        text.version,
        text.sha256,
        "web",
    )
    assert record.ip_address == "203.0.113.7" and record.user_agent == "Firefox/200"
    assert AuditEvent.objects.filter(verb="consent.granted", target_id=str(record.id)).exists()
    assert b"You gave this consent" in page.get(reverse("compliance:consent")).content


def test_a_text_that_changed_since_it_was_shown_is_refused(employee):
    text = consent_text_current(organization=employee.organization)
    response = browser(employee).post(reverse("compliance:consent"), _form(text, text_sha256="0" * 64))
    assert response.status_code == 400
    assert "has changed since it was shown" in " ".join(messages_of(response))
    assert not ConsentRecord.objects.exists()


def test_consent_needs_the_box_ticked(employee):
    text = consent_text_current(organization=employee.organization)
    response = browser(employee).post(reverse("compliance:consent"), _form(text, agree=""))
    assert response.status_code == 400
    assert "Tick the box" in " ".join(messages_of(response))
    assert not ConsentRecord.objects.exists()


def test_consent_is_only_ever_the_signed_in_members_own(employee, outsider):
    text = consent_text_current(organization=employee.organization)
    browser(outsider).post(reverse("compliance:consent"), _form(text))
    assert not ConsentRecord.objects.filter(member=employee).exists()


def test_reading_pages_writes_no_consent_text_policy_or_audit_row(employee):
    before = (ConsentText.objects.count(), RetentionPolicy.objects.count(), AuditEvent.objects.count())
    page = browser(employee)
    for name in ("compliance:consent", "teams:home", "compliance:privacy"):
        assert page.get(reverse(name)).status_code == 200
    assert (ConsentText.objects.count(), RetentionPolicy.objects.count(), AuditEvent.objects.count()) == before
