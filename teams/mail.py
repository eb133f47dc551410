"""Outgoing e-mail: one template set per message, rendered to text and HTML.

Each message ``NAME`` has three templates under ``templates/email/``:
``NAME.subject.txt``, ``NAME.txt`` and ``NAME.html``. Sending goes through
Django's e-mail framework, so the backend is whatever settings chose (SMTP,
console, or files under ``var/mail`` on the embedded defaults). Callers send
from tasks after their transaction commits, never inside a request.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

MESSAGES = (
    "invitation",
    "reminder",
    "headshots_ready",
    "headshot_approved",
    "headshot_rejected",
    "erasure_receipt",
    "password_reset",
)


class MailBounced(Exception):
    """The server refused the address for good (SMTP 5xx for the recipient)."""


def mail_build(*, message: str, to: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    if message not in MESSAGES:
        raise ValueError(f"unknown e-mail message {message!r}")
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"email/{message}.subject.txt", context).split())
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{message}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    mail.attach_alternative(render_to_string(f"email/{message}.html", context), "text/html")
    return mail


def mail_send(*, message: str, to: str, context: dict[str, Any]) -> None:
    """Send one message. A permanent refusal of the address raises MailBounced;
    anything else (server down, 4xx) raises as is, for the caller to retry."""
    mail = mail_build(message=message, to=to, context=context)
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        answers = list(exc.recipients.values())
        if answers and all(500 <= code < 600 for code, _ in answers):
            code, text = answers[0]
            detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            raise MailBounced(f"The mail server refused {to}: {code} {detail}") from exc
        raise


def mail_after_commit(*, message: str, to: str, context: dict[str, Any]) -> None:
    """Queue a notification once the caller's transaction commits (the context must be JSON)."""
    from django.db import transaction

    from .tasks import mail_task

    if not to:
        return
    transaction.on_commit(lambda: mail_task.delay(message, to, context))


def site_link(path: str) -> str:
    return settings.SITE_URL + path
