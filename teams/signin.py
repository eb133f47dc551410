"""The sign-in page, with lockout after repeated failures (teams.throttle)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpResponse

from .access import client_ip
from .throttle import TooManyAttempts, attempt_check, attempt_failed, attempt_succeeded

SCOPE = "login"


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your e-mail and password did not match. Try again.",
    }
    locked = False

    def clean(self) -> dict[str, Any]:
        account = (self.cleaned_data.get("username") or "").strip().lower()
        ip = client_ip(self.request) if self.request else None
        try:
            attempt_check(scope=SCOPE, account=account, ip=ip)
        except TooManyAttempts as exc:
            self.locked = True
            raise forms.ValidationError(exc.message, code="locked") from None
        if account:
            self.cleaned_data["username"] = account
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            attempt_failed(scope=SCOPE, account=account, ip=ip)
            raise
        attempt_succeeded(scope=SCOPE, account=account)
        return cleaned


class SignInView(LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 429 if getattr(form, "locked", False) else 200
        return response
