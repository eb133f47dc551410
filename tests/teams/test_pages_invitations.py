"""The admin's invitations page: single invites, CSV import, open join links."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.models import AuditEvent
from teams.models import Invitation, JoinLink
from tests.page_helpers import browser, messages_of

pytestmark = pytest.mark.django_db


def test_an_admin_invites_one_person_and_sees_the_link_once(admin):
    page = browser(admin)
    response = page.post(
        reverse("teams:invitation-create"),
        {
            "email": "new.person@" + admin.organization.allowed_domains[0],
            "role": "employee",
            "first_name": "New",
            "department": "Sales",
        },
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get(email__startswith="new.person@")
    assert invitation.invited_by == admin and invitation.department == "Sales"
    link = next(c["url"] for c in response.context["created"])
    assert "/invite/" in link and link.encode() in response.content
    # Only the hash is stored: the list page cannot show the link again.
    assert link.encode() not in page.get(reverse("teams:invitations")).content


def test_a_bad_email_shows_the_message_and_creates_nothing(admin):
    response = browser(admin).post(reverse("teams:invitation-create"), {"email": "not-an-email", "role": "employee"})
    assert response.status_code == 400
    assert "not a valid e-mail address" in " ".join(messages_of(response))
    assert not Invitation.objects.exists()


CSV = (
    "email,first_name,last_name,department,title,role\n"
    "ok1@{d},Ok,One,Eng,Dev,employee\n"
    "broken,Bad,Row,Eng,Dev,employee\n"
    "ok2@{d},Ok,Two,Eng,Dev,wizard\n"
    "ok3@{d},Ok,Three,Sales,Rep,\n"
)


def _csv(admin) -> SimpleUploadedFile:
    body = CSV.format(d=admin.organization.allowed_domains[0]).encode()
    return SimpleUploadedFile("staff.csv", body, content_type="text/csv")


def test_a_csv_with_bad_rows_imports_nothing_and_reports_each_row(admin):
    response = browser(admin).post(reverse("teams:invitations-import"), {"csv_file": _csv(admin)})
    assert response.status_code == 400
    assert "nothing was imported" in " ".join(messages_of(response))
    assert [row["line"] for row in response.context["import_errors"]] == [3, 4]
    assert b"Unknown role" in response.content
    assert not Invitation.objects.exists()


def test_a_csv_import_of_only_the_valid_rows_says_which_were_skipped(admin):
    response = browser(admin).post(reverse("teams:invitations-import"), {"csv_file": _csv(admin), "skip_bad_rows": "1"})
    assert response.status_code == 200
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        f"ok1@{admin.organization.allowed_domains[0]}",
        f"ok3@{admin.organization.allowed_domains[0]}",
    ]
    assert len(response.context["created"]) == 2
    assert [row["line"] for row in response.context["import_errors"]] == [3, 4]


def test_a_csv_that_is_not_text_is_refused(admin):
    upload = SimpleUploadedFile("staff.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    response = browser(admin).post(reverse("teams:invitations-import"), {"csv_file": upload})
    assert response.status_code == 400
    assert "UTF-8" in " ".join(messages_of(response))
    assert not Invitation.objects.exists()


def test_an_admin_creates_an_open_join_link_with_cap_and_expiry(admin):
    response = browser(admin).post(reverse("teams:join-link-create"), {"max_uses": "5", "expires_in_days": "7"})
    assert response.status_code == 200
    link = JoinLink.objects.get(organization=admin.organization)
    assert link.max_uses == 5
    assert "/join/" in response.context["created"][0]["url"]
    assert AuditEvent.objects.filter(verb="join_link.created").exists()


@pytest.mark.parametrize(
    "form, message",
    [
        ({"max_uses": "0", "expires_in_days": "7"}, "usage cap must be between"),
        ({"max_uses": "five", "expires_in_days": "7"}, "whole number"),
        ({"max_uses": "5", "expires_in_days": "-1"}, "expiry must be between 1 and 365 days"),
    ],
)
def test_a_bad_join_link_form_shows_the_message_and_creates_nothing(admin, form, message):
    response = browser(admin).post(reverse("teams:join-link-create"), form)
    assert response.status_code == 400
    assert message in " ".join(messages_of(response))
    assert not JoinLink.objects.exists()


def test_the_invitations_page_lists_only_the_admins_own_organisation(admin, employee, outsider):
    from teams import services

    services.invitation_create(actor=outsider, email="secret@" + outsider.organization.allowed_domains[0])
    response = browser(admin).get(reverse("teams:invitations"))
    assert response.status_code == 200
    assert employee.user.email.encode() in response.content
    assert b"secret@" not in response.content


@pytest.mark.parametrize(
    "name, method",
    [
        ("invitations", "get"),
        ("invitation-create", "post"),
        ("invitations-import", "post"),
        ("join-link-create", "post"),
    ],
)
def test_employees_and_hr_cannot_use_the_invitation_pages(employee, hr, name, method):
    for person in (employee, hr):
        response = getattr(browser(person), method)(reverse(f"teams:{name}"), {"email": "x@y.example", "max_uses": "3"})
        assert response.status_code == 403
    assert Invitation.objects.count() == 2  # the two fixtures' own invitations, nothing new
    assert not JoinLink.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in():
    response = browser().get(reverse("teams:invitations"))
    assert response.status_code == 302 and reverse("teams:login") in response["Location"]
