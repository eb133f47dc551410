"""Password reset with Django's own views; the mail goes out from a task, and requests are rate-limited.

Limits (per hour): PASSWORD_RESET_PER_IP requests from one address and
PASSWORD_RESET_PER_EMAIL mails to one account. Past the e-mail limit the page
reads the same as always (so it tells nobody whether an account exists); past
the address limit it answers 429.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from .mail import mail_after_commit

WINDOW_SECONDS = 3600


def _hit(key: str, limit: int) -> bool:
    """Count one request against ``key``; False once the limit is passed."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        if not _hit(f"pwreset:email:{to_email.lower()}", settings.PASSWORD_RESET_PER_EMAIL):
            return
        mail_after_commit(
            message="password_reset",
            to=to_email,
            context={k: context[k] for k in ("email", "domain", "protocol", "uid", "token")},
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("teams:password_reset_done")

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        ip = request.META.get("REMOTE_ADDR", "unknown")
        if not _hit(f"pwreset:ip:{ip}", settings.PASSWORD_RESET_PER_IP):
            return render(
                request,
                "registration/password_reset_form.html",
                {"form": self.form_class(), "limited": True},
                status=429,
            )
        return super().post(request, *args, **kwargs)
