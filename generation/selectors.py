from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from teams.models import Membership

from .models import BrandStyle, Export, GenerationJob, Headshot, JobStatus, ReviewState, Selfie


def selfies_of(*, actor: Membership) -> QuerySet[Selfie]:
    """An employee's own selfies; nobody else's are ever listed here."""
    return Selfie.objects.filter(organization=actor.organization, member=actor)


def jobs_visible_to(*, actor: Membership) -> QuerySet[GenerationJob]:
    qs = GenerationJob.objects.filter(organization=actor.organization).select_related("style", "member__user")
    return qs if actor.is_hr else qs.filter(member=actor)


def headshots_visible_to(*, actor: Membership) -> QuerySet[Headshot]:
    qs = Headshot.objects.filter(organization=actor.organization).select_related("member__user", "job")
    return qs if actor.is_hr else qs.filter(member=actor)


def reference_selfie(*, actor: Membership, member: Membership) -> Selfie | None:
    """For HR's side-by-side review: the member's first usable selfie, if retention kept one."""
    if not actor.is_hr and actor.id != member.id:
        return None
    qs = Selfie.objects.filter(organization=actor.organization, member=member, usable=True)
    return qs.order_by("uploaded_at").first()


def reference_selfies(*, actor: Membership, members: list[Membership]) -> dict[object, Selfie]:
    """reference_selfie for a page of members, in one query (member id -> selfie)."""
    if not actor.is_hr:
        return {}
    qs = Selfie.objects.filter(organization=actor.organization, member__in=members, usable=True)
    first: dict[object, Selfie] = {}
    for selfie in qs.order_by("member_id", "uploaded_at"):
        first.setdefault(selfie.member_id, selfie)
    return first


def review_queue(*, actor: Membership) -> QuerySet[Headshot]:
    return headshots_visible_to(actor=actor).filter(chosen=True, review_state=ReviewState.PENDING)


def exports_of(*, actor: Membership) -> QuerySet[Export]:
    return Export.objects.filter(organization=actor.organization).select_related("requested_by__user")


def exports_containing(*, member: Membership) -> QuerySet[Export]:
    """Every export that holds the member's headshot: one indexed query through ExportMember,
    whatever the number or size of the exports (erasure uses it)."""
    return Export.objects.filter(organization_id=member.organization_id, members__member=member).distinct()


def brand_style_current(*, actor: Membership) -> BrandStyle:
    return BrandStyle.objects.get(organization=actor.organization, is_current=True)


def brand_style_versions(*, actor: Membership) -> QuerySet[BrandStyle]:
    return BrandStyle.objects.filter(organization=actor.organization).order_by("-created_at")


def brand_style_job_progress(*, style: BrandStyle) -> dict[str, int]:
    """How the style's jobs stand (a re-render after a save shows its progress), in one query."""
    statuses = [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED]
    counts = GenerationJob.objects.filter(organization=style.organization, style=style).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in statuses}
    )
    return {status: counts[status] or 0 for status in counts}
