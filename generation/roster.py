"""The team roster: every member and open invitation with one status each.

A read that spans the three apps, so it lives in the highest one. It is one
annotated query per side (members, invitations) joined with UNION, so a page
of the dashboard costs the same few queries for 10 people or 10,000.

Status of a member, first match wins:
left (offboarded) · approved · rejected · chosen (waiting for HR) · rendering
(a job queued or running) · ready (headshots made, none chosen) · uploaded
(a selfie) · consented · joined. An open invitation is ``invited``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Trim
from django_stubs_ext import WithAnnotations

from compliance.models import ConsentRecord
from teams.models import Invitation, Membership, Role

from .models import GenerationJob, Headshot, JobStatus, ReviewState, Selfie

STATUSES = [
    ("invited", "Invited"),
    ("joined", "Joined"),
    ("consented", "Consented"),
    ("uploaded", "Uploaded selfies"),
    ("rendering", "Rendering"),
    ("ready", "Headshots ready"),
    ("chosen", "Chosen, awaiting review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("left", "Left"),
]
STATUS_LABELS = dict(STATUSES)
COLUMNS = ("kind", "id", "name", "email", "department", "role", "status", "last_activity", "delivery")


@dataclass(frozen=True)
class RosterFilter:
    status: str = ""
    department: str = ""
    role: str = ""
    search: str = ""


def _latest(model: Any, field: str) -> Subquery:
    rows = model.objects.filter(member=OuterRef("pk")).order_by().values("member").annotate(last=Max(field))
    return Subquery(rows.values("last")[:1], output_field=DateTimeField())


class _MemberRow(TypedDict):
    kind: str
    name: str
    email: str
    status: str
    last_activity: datetime
    delivery: str


def _annotated_members(organization_id: Any) -> QuerySet[WithAnnotations[Membership, _MemberRow]]:
    member = OuterRef("pk")
    base = Membership.objects.filter(organization_id=organization_id).alias(
        chosen_state=Subquery(Headshot.objects.filter(member=member, chosen=True).values("review_state")[:1]),
        is_rendering=Exists(
            GenerationJob.objects.filter(member=member, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        ),
        has_headshots=Exists(Headshot.objects.filter(member=member)),
        has_selfies=Exists(Selfie.objects.filter(member=member)),
        has_consent=Exists(ConsentRecord.objects.filter(member=member, withdrawn_at__isnull=True)),
    )
    joined = F("joined_at")
    return base.annotate(
        kind=Value("member", output_field=CharField()),
        name=Trim(Concat("user__first_name", Value(" "), "user__last_name", output_field=CharField())),
        email=F("user__email"),
        status=CaseWhen(
            When(active=False, then=Value("left")),
            When(chosen_state=ReviewState.APPROVED, then=Value("approved")),
            When(chosen_state=ReviewState.REJECTED, then=Value("rejected")),
            When(chosen_state=ReviewState.PENDING, then=Value("chosen")),
            When(is_rendering=True, then=Value("rendering")),
            When(has_headshots=True, then=Value("ready")),
            When(has_selfies=True, then=Value("uploaded")),
            When(has_consent=True, then=Value("consented")),
            default=Value("joined"),
            output_field=CharField(),
        ),
        last_activity=Greatest(
            Coalesce("user__last_login", joined),
            Coalesce(_latest(Selfie, "uploaded_at"), joined),
            Coalesce(_latest(GenerationJob, "created_at"), joined),
            joined,
        ),
        delivery=Value("", output_field=CharField()),
    )


def _open_invitations(organization_id: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization_id=organization_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).annotate(
        kind=Value("invitation", output_field=CharField()),
        name=Trim(Concat("first_name", Value(" "), "last_name", output_field=CharField())),
        status=Value("invited", output_field=CharField()),
        last_activity=Coalesce("last_reminded_at", "sent_at", "created_at"),
    )


def _search(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    for word in text.split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(email__icontains=word) | Q(department__icontains=word))
    return qs


def team_roster(*, actor: Membership, filters: RosterFilter | None = None) -> QuerySet[Any]:
    """Rows of ``COLUMNS`` (dicts), members and open invitations, ordered by name then e-mail."""
    filters = filters or RosterFilter()
    members = _annotated_members(actor.organization_id)
    invitations = _open_invitations(actor.organization_id)
    if filters.department:
        members = members.filter(department=filters.department)
        invitations = invitations.filter(department=filters.department)
    if filters.role:
        members = members.filter(role=filters.role)
        invitations = invitations.filter(role=filters.role)
    if filters.search:
        members, invitations = _search(members, filters.search), _search(invitations, filters.search)
    if filters.status == "invited":
        members = members.none()
    elif filters.status:
        members, invitations = members.filter(status=filters.status), invitations.none()
    # Each side drops its model's default ordering: a compound statement sorts only as a whole.
    member_rows, invitation_rows = members.order_by().values(*COLUMNS), invitations.order_by().values(*COLUMNS)
    return member_rows.union(invitation_rows, all=True).order_by("name", "email")


def team_status_counts(*, actor: Membership) -> dict[str, int]:
    """How many people are at each status, for the whole organisation (two queries)."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    rows = _annotated_members(actor.organization_id).order_by().values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["invited"] = _open_invitations(actor.organization_id).count()
    return counts


def team_departments(*, actor: Membership) -> list[str]:
    return list(
        Membership.objects.filter(organization_id=actor.organization_id)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


ROLE_LABELS = dict(Role.choices)
