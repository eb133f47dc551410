from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.text import clean_text
from teams.mail import mail_after_commit, site_link
from teams.models import Membership

from ..models import Headshot, JobStatus, ReviewState


def _lock(headshot: Headshot) -> Headshot:
    return Headshot.objects.select_for_update().select_related("job").get(pk=headshot.pk)


@transaction.atomic
def headshot_choose(*, actor: Membership, headshot: Headshot) -> Headshot:
    """The employee picks their favourite; it goes to HR for review."""
    headshot = _lock(headshot)
    if headshot.member_id != actor.id:
        raise NotFound("No such headshot.")
    if headshot.job.status != JobStatus.SUCCEEDED:
        raise ApplicationError("This job has not finished yet.", code="job_not_finished")
    if headshot.review_state == ReviewState.REJECTED:
        raise ApplicationError(
            "HR rejected this headshot. Choose another one or request a new job.", code="already_rejected"
        )
    approved = Headshot.objects.filter(member=actor, chosen=True, review_state=ReviewState.APPROVED)
    if approved.exclude(pk=headshot.pk).exists():
        raise ApplicationError(
            "Your headshot is already approved. Ask HR if you want to change it.", code="already_approved"
        )
    Headshot.objects.filter(member=actor, chosen=True).exclude(pk=headshot.pk).update(chosen=False, chosen_at=None)
    headshot.chosen, headshot.chosen_at = True, timezone.now()
    headshot.save(update_fields=["chosen", "chosen_at"])
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.HEADSHOT_CHOSEN, target=headshot)
    return headshot


def _reviewable(actor: Membership, headshot: Headshot) -> Headshot:
    if headshot.organization_id != actor.organization_id:
        raise NotFound("No such headshot.")
    if not actor.is_hr:
        raise NotAllowed("Only HR can review headshots.", code="not_hr")
    headshot = _lock(headshot)
    if not headshot.chosen:
        raise ApplicationError("Only the headshot the employee chose can be reviewed.", code="not_chosen")
    if headshot.review_state != ReviewState.PENDING:
        raise ApplicationError(f"This headshot is already {headshot.review_state}.", code="already_reviewed")
    return headshot


@transaction.atomic
def headshot_approve(*, actor: Membership, headshot: Headshot) -> Headshot:
    headshot = _reviewable(actor, headshot)
    headshot.review_state = ReviewState.APPROVED
    headshot.reviewed_by, headshot.reviewed_at = actor, timezone.now()
    headshot.save(update_fields=["review_state", "reviewed_by", "reviewed_at"])
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.HEADSHOT_APPROVED, target=headshot)
    _make_sizes_after_commit(headshot)
    _notify(headshot, "headshot_approved", link=site_link(reverse("generation:my-headshot")))
    return headshot


def _make_sizes_after_commit(headshot: Headshot) -> None:
    # Platform sizes are made (and signed) once, here, not in every export.
    from ..tasks import make_sizes_task

    transaction.on_commit(lambda: make_sizes_task.delay(str(headshot.id)))


def _notify(headshot: Headshot, message: str, *, link: str, **extra: str) -> None:
    member = Membership.objects.select_related("user").get(pk=headshot.member_id)
    context = {"name": member.display_name, "link": link, **extra}
    mail_after_commit(message=message, to=member.user.email, context=context)


@transaction.atomic
def headshot_reject(*, actor: Membership, headshot: Headshot, reason: str) -> Headshot:
    reason = clean_text(reason, label="The reason", max_length=2000, multiline=True)
    if not reason:
        raise ApplicationError("Give the employee a reason for the rejection.", code="reason_required")
    headshot = _reviewable(actor, headshot)
    headshot.review_state = ReviewState.REJECTED
    headshot.rejection_reason = reason[:2000]
    headshot.reviewed_by, headshot.reviewed_at = actor, timezone.now()
    headshot.save(update_fields=["review_state", "rejection_reason", "reviewed_by", "reviewed_at"])
    # The reason is HR's free text about a person: it lives on the headshot and goes with it,
    # not in the audit log for years.
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.HEADSHOT_REJECTED, target=headshot)
    link = site_link(reverse("generation:job-detail", kwargs={"job_id": headshot.job_id}))
    _notify(headshot, "headshot_rejected", link=link, reason=headshot.rejection_reason)
    return headshot


def headshot_view_url(*, actor: Membership, headshot: Headshot) -> str:
    if headshot.member_id != actor.id and not (actor.is_hr and headshot.organization_id == actor.organization_id):
        raise NotFound("No such headshot.")
    return media.media_url(headshot.storage_key)
