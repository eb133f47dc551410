"""The data-subject export (GDPR Art. 15 and 20): one zip of everything held about a member."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import NotAllowed
from teams.models import Membership

from ..models import AuditEvent, DeletionReceipt
from ..personal_data import personal_data_handlers
from .policy import retention_policy_get


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, default=str, ensure_ascii=False)


def _profile(member: Membership) -> dict:
    user = member.user
    return {
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "memberships": [
            {
                "pseudonymous_id": str(m.pk),
                "organization": m.organization.name,
                "role": m.role,
                "department": m.department,
                "job_title": m.job_title,
                "active": m.active,
                "joined_at": m.joined_at,
                "deactivated_at": m.deactivated_at,
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
    }


def _consents(member: Membership) -> list[dict]:
    return [
        {
            "text_version": c.text_version,
            "text_sha256": c.text_sha256,
            "method": c.method,
            "granted_at": c.granted_at,
            "withdrawn_at": c.withdrawn_at,
            "ip_address": c.ip_address,
            "user_agent": c.user_agent,
            "text": c.text.body if c.text else None,
        }
        for c in member.consents.select_related("text").order_by("granted_at")
    ]


def _retention(member: Membership) -> dict:
    policy = retention_policy_get(organization=member.organization)
    return {
        "policy": {
            "selfie_days": policy.selfie_days,
            "unchosen_days": policy.unchosen_days,
            "offboarding_days": policy.offboarding_days,
            "export_days": policy.export_days,
            "audit_years": policy.audit_years,
            "jurisdiction": policy.jurisdiction,
        },
        "unchosen_headshots_deleted_after": f"{policy.unchosen_days} days after they were made",
        "approved_headshot_deleted_after": (
            member.deactivated_at + timedelta(days=policy.offboarding_days)
            if member.deactivated_at
            else f"{policy.offboarding_days} days after your membership ends"
        ),
    }


def subject_access_export(*, member: Membership, actor: Membership | None = None) -> bytes:
    """Everything held about ``member``: profile, consents, selfies, headshots,
    audit events and retention dates."""
    actor = actor or member
    # A member downloads their own; an admin of the organisation may run it for them (a leaver
    # who asks by e-mail, say), and the audit row names the admin.
    if actor.pk != member.pk and not (actor.is_admin and actor.organization_id == member.organization_id):
        raise NotAllowed("Members download their own data.", code="not_allowed")
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            organization=member.organization,
            verb=Verb.SUBJECT_ACCESS_EXPORTED,
            target=member,
        )
    events = AuditEvent.objects.filter(Q(subject_member_id=member.pk) | Q(actor_member_id=member.pk)).order_by("at")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        retention = _retention(member)
        for handler in personal_data_handlers():
            part = handler.export(member=member)
            for name, content in part.files.items():
                archive.writestr(name, content)
            for name, records in part.records.items():
                archive.writestr(f"{name}.json", _json(records))
            retention |= part.retention
        archive.writestr("profile.json", _json(_profile(member)))
        archive.writestr("consents.json", _json(_consents(member)))
        archive.writestr(
            "audit_events.json",
            _json(
                [
                    {
                        "at": e.at,
                        "verb": e.verb,
                        "target_type": e.target_type,
                        "target_id": e.target_id,
                        "data": e.data,
                    }
                    for e in events
                ]
            ),
        )
        archive.writestr(
            "deletion_receipts.json",
            _json(
                [
                    {
                        "id": str(r.pk),
                        "reason": r.reason,
                        "requested_at": r.requested_at,
                        "completed_at": r.completed_at,
                        "counts": r.counts,
                    }
                    for r in DeletionReceipt.objects.filter(member_id=member.pk)
                ]
            ),
        )
        archive.writestr("retention.json", _json(retention | {"generated_at": timezone.now()}))
    return buffer.getvalue()
