"""Thin Celery entry points for mail; the beat schedule is in settings."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from . import services
from .mail import MailBounced, mail_send

MAIL_RETRIES = 5


def _retry_later(task: Task, exc: Exception) -> None:
    """Back off 30 s, 1 min, 2 min, ... A task run eagerly (embedded defaults) or out of
    retries gives up quietly: the failure is already recorded where it can be seen."""
    if task.request.is_eager or task.request.retries >= MAIL_RETRIES:
        return
    raise task.retry(exc=exc, countdown=min(30 * 2**task.request.retries, 3600), max_retries=MAIL_RETRIES)


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
