"""Invitation mail after the first: resend, revoke, reminders (a beat sweep), and delivery."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotFound

from ..mail import MailBounced, mail_send
from ..models import Delivery, Invitation, Membership
from .accounts import _hash_token, _require_admin
from .invitations import _invitation_token, _mail_after_commit, invitation_link


def _open_invitation(*, actor: Membership, invitation: Invitation) -> Invitation:
    if invitation.organization_id != actor.organization_id:
        raise NotFound("No such invitation.")
    _require_admin(actor)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at:
        raise ApplicationError(f"The invitation for {invitation.email} was revoked.", code="revoked")
    if invitation.accepted_at:
        raise ApplicationError(f"{invitation.email} has already joined.", code="already_accepted")
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Membership, invitation: Invitation) -> Invitation:
    """Send the same link again, valid for a fresh INVITATION_TTL_DAYS."""
    invitation = _open_invitation(actor=actor, invitation=invitation)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.delivery, invitation.delivery_error = Delivery.PENDING, ""
    invitation.save(update_fields=["expires_at", "delivery", "delivery_error"])
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.INVITATION_RESENT, target=invitation)
    _mail_after_commit(invitation, "invitation")
    return invitation


@transaction.atomic
def invitation_remind(*, actor: Membership, invitation: Invitation) -> Invitation:
    """An admin's reminder now; the automatic ones count from it."""
    invitation = _open_invitation(actor=actor, invitation=invitation)
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(
            f"The invitation for {invitation.email} has expired; resend it instead.", code="token_expired"
        )
    invitation.last_reminded_at = timezone.now()
    invitation.save(update_fields=["last_reminded_at"])
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.INVITATION_REMINDED,
        target=invitation,
        data={"manual": True},
    )
    _mail_after_commit(invitation, "reminder")
    return invitation


@transaction.atomic
def invitations_resend(*, actor: Membership, invitation_ids: list[str]) -> int:
    """Bulk resend: every open invitation among the ids, in this organisation only."""
    _require_admin(actor)
    open_ones = Invitation.objects.filter(
        organization=actor.organization, id__in=invitation_ids, accepted_at__isnull=True, revoked_at__isnull=True
    )
    resent = 0
    for invitation in open_ones:
        if invitation_resend(actor=actor, invitation=invitation):
            resent += 1
    return resent


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    invitation = _open_invitation(actor=actor, invitation=invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.INVITATION_REVOKED, target=invitation)
    return invitation


def invitations_due_reminder(*, now: datetime) -> list[Invitation]:
    """Open, unexpired invitations whose last mail is INVITATION_REMINDER_DAYS old, below the cap."""
    cutoff = now - timedelta(days=settings.INVITATION_REMINDER_DAYS)
    return list(
        Invitation.objects.select_related("organization")
        .filter(
            Q(last_reminded_at__isnull=True, sent_at__lte=cutoff) | Q(last_reminded_at__lte=cutoff),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            reminders_sent__lt=settings.INVITATION_REMINDER_MAX,
            sent_at__isnull=False,
        )
        .exclude(delivery=Delivery.BOUNCED)
        .order_by("sent_at")
    )


def invitation_reminders_send(*, now: datetime | None = None) -> int:
    """The beat sweep: claim each due invitation with a conditional update, then mail it."""
    now = now or timezone.now()
    sent = 0
    for invitation in invitations_due_reminder(now=now):
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=invitation.pk, reminders_sent=invitation.reminders_sent, accepted_at__isnull=True
            ).update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
            if not claimed:
                continue
            audit_event_record(
                actor=None,
                organization=invitation.organization,
                verb=Verb.INVITATION_REMINDED,
                target=invitation,
                data={"reminder": invitation.reminders_sent + 1},
            )
            _mail_after_commit(invitation, "reminder")
        sent += 1
    return sent


def invitation_mail_send(*, invitation_id: str, kind: str) -> None:
    """Deliver one invitation or reminder mail and record how it went on the invitation.

    Returns quietly when the invitation is gone, used or revoked. A bounce is final;
    any other failure is recorded and raised, so the task retries.
    """
    invitation = (
        Invitation.objects.select_related("organization", "invited_by__user")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    token_hash = _hash_token(_invitation_token(invitation.id))
    if invitation.token_hash != token_hash:
        # Made before tokens were derived from the id: give it a link that a mail can carry.
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by.display_name if invitation.invited_by else invitation.organization.name,
        "link": invitation_link(invitation),
        "reminder_number": invitation.reminders_sent,
    }
    attempts = F("send_attempts") + 1
    try:
        mail_send(message=kind, to=invitation.email, context=context)
    except MailBounced as exc:
        Invitation.objects.filter(pk=invitation.pk).update(
            delivery=Delivery.BOUNCED, delivery_error=str(exc)[:500], send_attempts=attempts
        )
        return
    except Exception as exc:
        Invitation.objects.filter(pk=invitation.pk).update(
            delivery=Delivery.FAILED, delivery_error=f"{type(exc).__name__}: {exc}"[:500], send_attempts=attempts
        )
        raise
    updates: dict[str, object] = {"delivery": Delivery.SENT, "delivery_error": "", "send_attempts": attempts}
    if kind == "invitation":
        updates["sent_at"] = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(**updates)
