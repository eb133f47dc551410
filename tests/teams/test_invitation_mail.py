"""Invitation and reminder mails go through a real SMTP server, and the link inside them joins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from teams import services
from teams.models import Delivery, Invitation, Membership
from tests.factories import PASSWORD
from tests.page_helpers import browser
from tests.smtpserver import free_port, html_of, link_in, text_of


def _join_with(link_path: str) -> Membership:
    page = browser()
    assert page.get(link_path).status_code == 200
    response = page.post(link_path, {"password": "a-new-secret-123", "password2": "a-new-secret-123"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert page.get(reverse("teams:home")).status_code == 200  # signed in
    return Membership.objects.get(user__email=response.wsgi_request.user.email)


def test_an_invitation_mail_arrives_and_its_link_joins(admin, smtp, commit):
    page = browser(admin)
    domain = admin.organization.allowed_domains[0]
    with commit():
        response = page.post(
            reverse("teams:invitation-create"), {"email": f"new.hire@{domain}", "first_name": "Nia", "role": "employee"}
        )
    assert response.status_code == 200
    [mail] = smtp.to(f"new.hire@{domain}")
    assert admin.organization.name in mail["Subject"]
    assert "Hello Nia" in text_of(mail) and "Join " in html_of(mail)
    invitation = Invitation.objects.get(email=f"new.hire@{domain}")
    assert invitation.delivery == Delivery.SENT and invitation.sent_at and invitation.send_attempts == 1
    member = _join_with(link_in(mail, "/invite/"))
    assert member.organization == admin.organization and member.user.first_name == "Nia"


def test_a_reminder_mail_arrives_and_its_link_joins(admin, smtp, commit):
    domain = admin.organization.allowed_domains[0]
    with commit():
        services.invitation_create(actor=admin, email=f"slow@{domain}")
    assert len(smtp.to(f"slow@{domain}")) == 1
    with commit():
        assert services.invitation_reminders_send(now=timezone.now() + timedelta(days=3, minutes=1)) == 1
    [_, reminder] = smtp.to(f"slow@{domain}")
    assert reminder["Subject"].startswith("Reminder")
    member = _join_with(link_in(reminder, "/invite/"))
    assert member.user.email == f"slow@{domain}"


def test_an_address_the_server_refuses_is_recorded_as_bounced(admin, smtp, commit):
    domain = admin.organization.allowed_domains[0]
    with commit():
        issued = services.invitation_create(actor=admin, email=f"bounce.me@{domain}")
    issued.invitation.refresh_from_db()
    assert issued.invitation.delivery == Delivery.BOUNCED
    assert "550" in issued.invitation.delivery_error
    assert smtp.to(f"bounce.me@{domain}") == []


def test_a_mail_server_that_is_down_is_recorded_and_the_page_still_works(admin, settings, commit):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    domain = admin.organization.allowed_domains[0]
    with commit():
        response = browser(admin).post(reverse("teams:invitation-create"), {"email": f"later@{domain}"})
    assert response.status_code == 200
    invitation = Invitation.objects.get(email=f"later@{domain}")
    assert invitation.delivery == Delivery.FAILED
    assert "Connection" in invitation.delivery_error or "refused" in invitation.delivery_error.lower()


def test_resend_sends_the_same_working_link_again(admin, smtp, commit):
    domain = admin.organization.allowed_domains[0]
    with commit():
        issued = services.invitation_create(actor=admin, email=f"lost@{domain}")
    with commit():
        response = browser(admin).post(reverse("teams:invitation-resend", args=[issued.invitation.id]))
    assert response.status_code == 302
    first, second = smtp.to(f"lost@{domain}")
    assert link_in(first, "/invite/") == link_in(second, "/invite/")
    _join_with(link_in(second, "/invite/"))


def test_a_revoked_invitation_gets_no_mail_and_its_link_is_dead(admin, smtp, commit):
    domain = admin.organization.allowed_domains[0]
    with commit():
        issued = services.invitation_create(actor=admin, email=f"gone@{domain}")
    link = link_in(smtp.to(f"gone@{domain}")[0], "/invite/")
    assert browser(admin).post(reverse("teams:invitation-revoke", args=[issued.invitation.id])).status_code == 302
    assert browser().get(link).status_code == 400
    assert services.invitation_reminders_send(now=timezone.now() + timedelta(days=4)) == 0
    with pytest.raises(Exception, match="revoked"):
        services.invitation_resend(actor=admin, invitation=issued.invitation)


def test_password_reset_mail_arrives_and_sets_a_new_password(employee, smtp, commit):
    page = browser()
    with commit():
        response = page.post(reverse("teams:password_reset"), {"email": employee.user.email})
    assert response.status_code == 302
    [mail] = smtp.to(employee.user.email)
    link = link_in(mail, "/password-reset/")
    response = page.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = page.post(form_url, {"new_password1": "fresh-start-2026", "new_password2": "fresh-start-2026"})
    assert response.status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.check_password("fresh-start-2026") and not employee.user.check_password(PASSWORD)
