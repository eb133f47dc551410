"""Thin Celery entry points for mail; the beat schedule is in settings."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from . import services
from .mail import MailBounced, mail_send

MAIL_RETRIES = 5


def _retry_later(task: Task, exc: Exception) -> None:
    """Back off MAIL_RETRY_SECONDS (30 s), then twice that, and so on. A task run eagerly (embedded defaults) or out of
    retries gives up quietly: the failure is already recorded where it can be seen."""
    if task.request.is_eager or task.request.retries >= MAIL_RETRIES:
        return
    countdown = min(settings.MAIL_RETRY_SECONDS * 2**task.request.retries, 3600)
    raise task.retry(exc=exc, countdown=countdown, max_retries=MAIL_RETRIES)


@shared_task(bind=True, acks_late=True)
def invitation_mail_task(self: Task, invitation_id: str, kind: str) -> None:
    try:
        services.invitation_mail_send(invitation_id=invitation_id, kind=kind)
    except Exception as exc:
        _retry_later(self, exc)


@shared_task(bind=True, acks_late=True)
def mail_task(self: Task, message: str, to: str, context: dict[str, Any]) -> None:
    """A notification (headshots ready, approved, rejected, receipt, password reset)."""
    try:
        mail_send(message=message, to=to, context=context)
    except MailBounced:
        return
    except Exception as exc:
        _retry_later(self, exc)


@shared_task(acks_late=True)
def invitation_reminders_task() -> int:
    return services.invitation_reminders_send()
