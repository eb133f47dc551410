"""The teams forms attach each error to its field, with the message the page shows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from teams.forms import AccountForm, BulkResendForm, InvitationForm, InvitationImportForm, JoinLinkForm
from teams.models import Invitation


def test_two_different_passwords_are_an_error_on_the_second():
    form = AccountForm({"password": "a-long-password", "password2": "another-password"})
    assert not form.is_valid()
    assert form.errors == {"password2": ["The two passwords do not match."]}


def test_a_join_link_needs_whole_numbers():
    form = JoinLinkForm({"max_uses": "five", "expires_in_days": ""})
    assert not form.is_valid()
    assert form.errors["max_uses"] == ["The usage cap must be a whole number."]
    assert form.errors["expires_in_days"] == ["The expiry (days) must be a whole number."]


def test_a_csv_file_that_is_not_utf8_is_an_error_on_the_file():
    upload = SimpleUploadedFile("team.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    form = InvitationImportForm({}, {"csv_file": upload})
    assert not form.is_valid()
    assert form.errors == {"csv_file": ["The CSV file must be UTF-8 text."]}


def test_a_pasted_csv_is_read_when_no_file_comes():
    form = InvitationImportForm({"csv_text": "email\na@b.example\n", "skip_bad_rows": "on"})
    assert form.is_valid()
    assert form.cleaned_data["csv_text"].startswith("email") and form.cleaned_data["skip_bad_rows"] is True


def test_an_invitation_without_a_role_is_for_an_employee():
    form = InvitationForm({"email": "a@b.example"})
    assert form.is_valid()
    assert form.cleaned_data["role"] == "employee"


@pytest.mark.django_db
def test_bulk_resend_keeps_only_open_invitations_and_drops_garbage():
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("invitation", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
    form = BulkResendForm(data, open_invitations=Invitation.objects.all())
    assert not form.is_valid()
    assert form.errors == {"invitation": ["Select at least one open invitation of your organisation."]}
