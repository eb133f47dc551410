"""Forms for the teams pages: they read and check the posted fields; the services decide the rest."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.db.models import QuerySet

from .models import Invitation, Role
from .services import MAX_JOIN_LINK_DAYS


class AccountForm(forms.Form):
    """A new account's password (typed twice) and names: accepting an invitation or joining by link."""

    password = forms.CharField(required=False, strip=False)
    password2 = forms.CharField(required=False, strip=False)
    first_name = forms.CharField(required=False)
    last_name = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password", "") != cleaned.get("password2", ""):
            self.add_error("password2", "The two passwords do not match.")
        return cleaned


class JoinForm(AccountForm):
    email = forms.CharField(required=False)


class InvitationForm(forms.Form):
    email = forms.CharField(required=False)
    role = forms.CharField(required=False)
    first_name = forms.CharField(required=False)
    last_name = forms.CharField(required=False)
    department = forms.CharField(required=False)
    job_title = forms.CharField(required=False)
    allow_outside_domain = forms.BooleanField(required=False)

    def clean_role(self) -> str:
        return self.cleaned_data["role"] or Role.EMPLOYEE


class InvitationImportForm(forms.Form):
    """A CSV of invitations, uploaded as a file or pasted as text (the file wins)."""

    csv_file = forms.FileField(required=False, allow_empty_file=True)
    csv_text = forms.CharField(required=False, strip=False)
    skip_bad_rows = forms.BooleanField(required=False)
    allow_outside_domain = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("csv_file")
        if upload:
            try:
                cleaned["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("csv_file", "The CSV file must be UTF-8 text.")
        return cleaned


def _whole_number(name: str) -> dict[str, str]:
    message = f"{name} must be a whole number."
    return {"required": message, "invalid": message}


class JoinLinkForm(forms.Form):
    expires_in_days = forms.IntegerField(error_messages=_whole_number("The expiry (days)"))
    max_uses = forms.IntegerField(error_messages=_whole_number("The usage cap"))

    def clean_expires_in_days(self) -> int:
        # Bounded here, before any date arithmetic: a huge number would overflow it.
        days: int = self.cleaned_data["expires_in_days"]
        if not 1 <= days <= MAX_JOIN_LINK_DAYS:
            raise forms.ValidationError(f"The expiry must be between 1 and {MAX_JOIN_LINK_DAYS} days.")
        return days


class NextForm(forms.Form):
    """Where a dashboard action goes back to (checked against the host by the view)."""

    next = forms.CharField(required=False)


class UUIDListField(forms.Field):
    """Several posted ids; values that are not UUIDs are dropped (at most 1,000 are read)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[UUID]:
        out = []
        for item in list(value or [])[:1000]:
            try:
                out.append(UUID(str(item)))
            except ValueError:
                continue
        return out


class BulkResendForm(forms.Form):
    """Open invitations of the organisation, chosen on the dashboard."""

    invitation = UUIDListField(required=False)

    def __init__(self, *args: Any, open_invitations: QuerySet[Invitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_invitations = open_invitations

    def clean_invitation(self) -> list[str]:
        ids = self.open_invitations.filter(id__in=self.cleaned_data["invitation"]).values_list("id", flat=True)
        chosen = [str(i) for i in ids]
        if not chosen:
            raise forms.ValidationError("Select at least one open invitation of your organisation.")
        return chosen


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
