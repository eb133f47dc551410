from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed
from teams.models import Membership, Organization

from ..models import Jurisdiction, RetentionPolicy

EDITABLE = {
    "jurisdiction",
    "selfie_days",
    "rejected_selfie_days",
    "unchosen_days",
    "offboarding_days",
    "export_days",
    "audit_years",
    "privacy_contact",
}


TEXT_FIELDS = {"jurisdiction", "privacy_contact"}


def retention_policy_get(*, organization: Organization) -> RetentionPolicy:
    """The organisation's policy; the defaults (unsaved) until an admin changes them. Reads only."""
    return RetentionPolicy.objects.filter(organization=organization).first() or RetentionPolicy(
        organization=organization
    )


def _policy_locked(organization: Organization) -> RetentionPolicy:
    """The organisation's policy row, made on first change, locked for this transaction."""
    try:
        with transaction.atomic():
            RetentionPolicy.objects.get_or_create(organization=organization)
    except IntegrityError:  # made by a concurrent request
        pass
    return RetentionPolicy.objects.select_for_update().get(organization=organization)


def _validate(policy: RetentionPolicy) -> None:
    if policy.jurisdiction not in Jurisdiction.values:
        raise ApplicationError(
            f"Unknown jurisdiction; use one of {', '.join(Jurisdiction.values)}.",
            code="bad_jurisdiction",
        )
    try:
        policy.full_clean(exclude=["organization"])
    except ValidationError as exc:
        fields = ", ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
        raise ApplicationError(f"Invalid retention policy ({fields}).", code="bad_policy") from None


@transaction.atomic
def retention_policy_update(*, actor: Membership, changes: dict[str, Any]) -> RetentionPolicy:
    """Change the retention terms. The consent text names them, so members consent again."""
    if not actor.is_admin:
        raise NotAllowed("Only an organisation admin can change the retention policy.", code="not_admin")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ApplicationError(f"Unknown policy field(s): {', '.join(sorted(unknown))}.", code="bad_field")
    policy = _policy_locked(actor.organization)
    before = {name: getattr(policy, name) for name in EDITABLE}
    for name, value in changes.items():
        setattr(policy, name, str(value).strip() if name in TEXT_FIELDS else _as_int(name, value))
    _validate(policy)
    policy.updated_at = timezone.now()
    policy.save()
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.RETENTION_POLICY_UPDATED,
        target=policy,
        data={"before": before, "after": {name: getattr(policy, name) for name in EDITABLE}},
    )
    return policy


def _as_int(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"{name} must be a whole number.", code="bad_policy") from None
