"""Compliance's own member data for the registry, and teams' (which sits below the registry).

Consent records are the proof of what a member agreed to: erasure closes them
(``member_erase`` withdraws them) but keeps them, and the data export lists them
itself. Invitations and join links point at the admin who issued them; they are
the organisation's records and stay.
"""

from __future__ import annotations

from datetime import datetime

from teams.models import Invitation, JoinLink, Membership, Organization

from .models import ConsentRecord, MemberJurisdiction, RetentionPolicy
from .personal_data import Due, Erased, Exported
from .services import consent_active


class ComplianceData:
    models = (ConsentRecord, MemberJurisdiction, Invitation, JoinLink)

    def stop(self, *, member: Membership, reason: str) -> int:
        return 0

    def erase(self, *, member: Membership) -> Erased:
        return Erased(counts={})

    def export(self, *, member: Membership) -> Exported:
        return Exported()

    def due(self, *, organization: Organization, policy: RetentionPolicy, now: datetime) -> list[Due]:
        return []

    def owned_keys(self) -> set[str]:
        return set()


def home_section(actor: Membership) -> dict[str, object]:
    """The member's consent, for the home page (teams.views.home_section_register)."""
    return {"consent": consent_active(member=actor)}
