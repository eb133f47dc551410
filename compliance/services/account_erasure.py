"""Full account erasure on request: more than withdrawing biometric consent.

Withdrawal deletes the face data and keeps the account (the member may consent
again). Account erasure also removes who the person was: name, e-mail, login,
the IP address and browser recorded with each consent (replaced by the
pseudonymous member id, so the consent history still proves what was agreed
and when), job title and department, and invitations sent to the address. The
membership row stays as the pseudonymous id that receipts and the audit log
already use; it can no longer sign in or be linked to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import NotAllowed
from teams.models import Invitation, Membership

from ..models import ConsentRecord, DeletionReceipt, ErasureReason
from .erasure import member_erase

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: can never receive mail


@dataclass
class AccountErasure:
    receipt: DeletionReceipt
    consent_records_scrubbed: int
    invitations_deleted: int


def account_erase(
    *, member: Membership, requested_by: str, actor: Membership | None = None, now: datetime | None = None
) -> AccountErasure:
    """Erase the member's face data (the erasure cascade), then their account data."""
    if (
        actor is not None
        and actor.pk != member.pk
        and not (actor.is_admin and actor.organization_id == member.organization_id)
    ):
        raise NotAllowed("Only the member or an admin of their organisation can erase an account.")
    receipt = member_erase(member=member, reason=ErasureReason.REQUEST, requested_by=requested_by, actor=actor, now=now)
    pseudonym = str(member.pk)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=member.user_id)
        old_email = user.email
        user.first_name = user.last_name = ""
        user.email = f"{pseudonym}@{ERASED_DOMAIN}"
        user.username = f"erased-{pseudonym}"[: user._meta.get_field("username").max_length]
        user.set_unusable_password()
        user.is_active = False
        user.save()
        scrubbed = ConsentRecord.objects.filter(member=member).update(ip_address=None, user_agent=pseudonym)
        invitations, _ = Invitation.objects.filter(
            organization_id=member.organization_id, email__iexact=old_email
        ).delete()
        Membership.objects.filter(pk=member.pk).update(
            active=False, department="", job_title="", deactivated_at=member.deactivated_at or timezone.now()
        )
        receipt.counts = receipt.counts | {
            "account": 1,
            "consent_records_scrubbed": scrubbed,
            "invitations": invitations,
        }
        receipt.save(update_fields=["counts"])
        audit_event_record(
            actor=actor,
            organization=member.organization,
            verb=Verb.ACCOUNT_ERASED,
            target=receipt,
            subject=member,
            data={"consent_records_scrubbed": scrubbed, "invitations_deleted": invitations},
        )
    return AccountErasure(receipt=receipt, consent_records_scrubbed=scrubbed, invitations_deleted=invitations)
