from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User  # the project keeps Django's user model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.text import clean_text

from .mail import MailBounced, mail_send
from .models import Delivery, Invitation, JoinLink, Membership, Organization, Role
from .signals import membership_ended, organization_created

MAX_CSV_ROWS = 5000
MAX_JOIN_LINK_DAYS = 365
CSV_COLUMNS = ["email", "first_name", "last_name", "department", "title", "role"]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _invitation_token(invitation_id: object) -> str:
    # Derived, not stored: a mail task rebuilds the link from the id; the database holds only its hash.
    return salted_hmac("teams.invitation", str(invitation_id), algorithm="sha256").hexdigest()


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("teams:invite-accept", kwargs={"token": _invitation_token(invitation.id)})


def _require_admin(actor: Membership) -> None:
    if not actor.is_admin:
        raise NotAllowed("Only an organisation admin can do this.", code="not_admin")


def _normalise_email(email: str) -> str:
    email = clean_text(email, label="The e-mail address", max_length=254).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(f"{email or '(empty)'!s} is not a valid e-mail address.", code="bad_email") from None
    return email


def _user_create(*, email: str, password: str, first_name: str, last_name: str) -> User:
    if User.objects.filter(username=email).exists():
        raise ApplicationError("An account with this e-mail already exists. Sign in instead.", code="user_exists")
    first_name = clean_text(first_name, label="The first name", max_length=150)
    last_name = clean_text(last_name, label="The last name", max_length=150)
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def organization_create(
    *,
    name: str,
    slug: str,
    allowed_domains: list[str],
    admin_email: str,
    admin_password: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
) -> Membership:
    """Create an organisation and its first admin; the apps above add their defaults (signals)."""
    name = clean_text(name, label="The organisation's name", max_length=200)
    if Organization.objects.filter(slug=slug).exists():
        raise ApplicationError(f"The organisation slug {slug!r} is taken.", code="slug_taken")
    org = Organization.objects.create(
        name=name, slug=slug, allowed_domains=[d.strip().lower() for d in allowed_domains if d.strip()]
    )
    user = _user_create(
        email=_normalise_email(admin_email),
        password=admin_password,
        first_name=admin_first_name,
        last_name=admin_last_name,
    )
    admin = Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
    audit_event_record(actor=admin, organization=org, verb=Verb.ORGANIZATION_CREATED, target=org)
    organization_created.send(sender=Organization, organization=org, admin=admin)
    return admin


@dataclass
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once; only its hash is stored


def _invitation_build(
    *,
    actor: Membership,
    email: str,
    role: str,
    first_name: str,
    last_name: str,
    department: str,
    job_title: str,
    allow_outside_domain: bool = False,
) -> tuple[Invitation, str]:
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", code="bad_role")
    email = _normalise_email(email)
    outside = bool(actor.organization.allowed_domains) and not actor.organization.admits_email(email)
    if outside and not allow_outside_domain:
        raise ApplicationError(
            f"{email} is outside the organisation's domains ({', '.join(actor.organization.allowed_domains)}). "
            "Tick 'invite outside our domains' if this is intended.",
            code="domain_not_allowed",
        )
    invitation = Invitation(
        organization=actor.organization,
        email=email,
        domain_override=outside,
        role=role,
        first_name=clean_text(first_name, label="The first name", max_length=150),
        last_name=clean_text(last_name, label="The last name", max_length=150),
        department=clean_text(department, label="The department", max_length=120),
        job_title=clean_text(job_title, label="The job title", max_length=120),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    token = _invitation_token(invitation.id)
    invitation.token_hash = _hash_token(token)
    return invitation, token


def _mail_after_commit(invitation: Invitation, kind: str) -> None:
    from .tasks import invitation_mail_task

    invitation_id = str(invitation.id)
    transaction.on_commit(lambda: invitation_mail_task.delay(invitation_id, kind))


def _invitation_check_new(*, organization: Organization, email: str) -> None:
    # Only this organisation's members count: answering "already has an account" for someone
    # elsewhere would tell an admin who uses the product at other companies.
    if Membership.objects.filter(organization=organization, user__username=email).exists():
        raise ApplicationError(f"{email} already has an account.", code="already_member")
    if Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ApplicationError(f"{email} already has an open invitation.", code="already_invited")


def _emails_taken(*, organization: Organization, emails: list[str]) -> dict[str, ApplicationError]:
    """_invitation_check_new for a whole file in two queries per thousand rows, not two per row."""
    wanted = sorted({(email or "").strip().lower() for email in emails} - {""})
    taken: dict[str, ApplicationError] = {}
    for start in range(0, len(wanted), 1000):
        batch = wanted[start : start + 1000]
        invited = Invitation.objects.filter(
            organization=organization, email__in=batch, accepted_at__isnull=True, revoked_at__isnull=True
        ).values_list("email", flat=True)
        for email in invited:
            taken[email] = ApplicationError(f"{email} already has an open invitation.", code="already_invited")
        members = Membership.objects.filter(organization=organization, user__username__in=batch)
        for email in members.values_list("user__username", flat=True):
            taken[email] = ApplicationError(f"{email} already has an account.", code="already_member")
    return taken


@transaction.atomic
def invitation_create(
    *,
    actor: Membership,
    email: str,
    role: str = Role.EMPLOYEE,
    first_name: str = "",
    last_name: str = "",
    department: str = "",
    job_title: str = "",
    allow_outside_domain: bool = False,
    send: bool = True,
) -> IssuedInvitation:
    """Invite one address; the invitation mail goes out after commit (``send=False``: link only)."""
    _require_admin(actor)
    invitation, token = _invitation_build(
        actor=actor,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        department=department,
        job_title=job_title,
        allow_outside_domain=allow_outside_domain,
    )
    _invitation_check_new(organization=actor.organization, email=invitation.email)
    invitation.save()
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.INVITATION_CREATED,
        target=invitation,
        data={"role": invitation.role, "domain_override": invitation.domain_override},
    )
    if send:
        _mail_after_commit(invitation, "invitation")
    return IssuedInvitation(invitation=invitation, token=token)


@dataclass
class CsvImportResult:
    created: list[IssuedInvitation] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"line": n, "email": ..., "error": ...}


def invitations_import_csv(
    *,
    actor: Membership,
    csv_text: str,
    skip_bad_rows: bool = False,
    allow_outside_domain: bool = False,
    send: bool = True,
) -> CsvImportResult:
    """Import ``email,first_name,last_name,department,title,role`` rows.

    Every row is checked first. With bad rows, nothing is imported unless
    ``skip_bad_rows`` is set, in which case all good rows are; either way the
    result names each bad row and why.
    """
    _require_admin(actor)
    try:
        reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
        return _import_rows(
            actor, reader, skip_bad_rows=skip_bad_rows, allow_outside_domain=allow_outside_domain, send=send
        )
    except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, a broken quote
        raise ApplicationError(f"The CSV cannot be read: {exc}.", code="bad_csv") from None


def _import_rows(
    actor: Membership, reader: csv.DictReader, *, skip_bad_rows: bool, allow_outside_domain: bool, send: bool
) -> CsvImportResult:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in header:
        raise ApplicationError(
            f"The CSV needs a header row with the columns {','.join(CSV_COLUMNS)}.", code="bad_csv_header"
        )
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise ApplicationError(
            f"Unknown CSV column(s): {', '.join(unknown)}. Use only {','.join(CSV_COLUMNS)}.",
            code="bad_csv_header",
        )
    result = CsvImportResult()
    pending: list[tuple[Invitation, str]] = []
    seen: set[str] = set()
    rows: list[tuple[int, dict[str, str]]] = []
    for line, raw in enumerate(reader, start=2):
        if line > MAX_CSV_ROWS + 1:
            raise ApplicationError(f"The CSV has more than {MAX_CSV_ROWS} rows; split it.", code="csv_too_long")
        rows.append((line, {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}))
    taken = _emails_taken(organization=actor.organization, emails=[row.get("email", "") for _, row in rows])
    for line, row in rows:
        try:
            invitation, token = _invitation_build(
                actor=actor,
                email=row.get("email", ""),
                role=(row.get("role") or Role.EMPLOYEE).lower(),
                first_name=row.get("first_name", ""),
                last_name=row.get("last_name", ""),
                department=row.get("department", ""),
                job_title=row.get("title", ""),
                allow_outside_domain=allow_outside_domain,
            )
            if invitation.email in seen:
                raise ApplicationError(f"{invitation.email} appears twice in the file.", code="duplicate_row")
            if invitation.email in taken:
                raise taken[invitation.email]
        except ApplicationError as exc:
            result.errors.append({"line": line, "email": row.get("email", "")[:254], "error": exc.message})
            continue
        seen.add(invitation.email)
        pending.append((invitation, token))
    if not pending and not result.errors:
        raise ApplicationError("The CSV has no rows to import.", code="empty_csv")
    if result.errors and not skip_bad_rows:
        raise ApplicationError(
            f"{len(result.errors)} row(s) are invalid, so nothing was imported. "
            "Fix them, or import only the valid rows.",
            code="bad_csv_rows",
            details=result.errors,
        )
    with transaction.atomic():
        Invitation.objects.bulk_create([invitation for invitation, _token in pending], batch_size=500)
        result.created = [IssuedInvitation(invitation=invitation, token=token) for invitation, token in pending]
        if send:
            for invitation, _token in pending:
                _mail_after_commit(invitation, "invitation")
        audit_event_record(
            actor=actor,
            organization=actor.organization,
            verb=Verb.INVITATION_IMPORTED,
            data={"created": len(pending), "skipped_lines": [e["line"] for e in result.errors]},
        )
    return result


def _invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=_hash_token(token or ""))
        .first()
    )
    if invitation is None or invitation.revoked_at:
        raise ApplicationError("This invitation link is not valid. Ask your admin for a new one.", code="bad_token")
    if invitation.accepted_at:
        raise ApplicationError("This invitation has already been used. Sign in instead.", code="token_used")
    if invitation.expires_at <= timezone.now():
        raise ApplicationError("This invitation has expired. Ask your admin for a new one.", code="token_expired")
    return invitation


def invitation_preview(*, token: str) -> Invitation:
    with transaction.atomic():
        return _invitation_for_token(token)


@transaction.atomic
def invitation_accept(*, token: str, password: str, first_name: str = "", last_name: str = "") -> Membership:
    invitation = _invitation_for_token(token)
    user = _user_create(
        email=invitation.email,
        password=password,
        first_name=first_name or invitation.first_name,
        last_name=last_name or invitation.last_name,
    )
    member = Membership.objects.create(
        user=user,
        organization=invitation.organization,
        role=invitation.role,
        department=invitation.department,
        job_title=invitation.job_title,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_event_record(actor=member, organization=member.organization, verb=Verb.INVITATION_ACCEPTED, target=invitation)
    return member


@dataclass
class IssuedJoinLink:
    link: JoinLink
    token: str


@transaction.atomic
def join_link_create(*, actor: Membership, max_uses: int, expires_at: datetime) -> IssuedJoinLink:
    _require_admin(actor)
    if not actor.organization.allowed_domains:
        raise ApplicationError(
            "Set the organisation's allowed e-mail domains before creating an open link.", code="no_domains"
        )
    if max_uses < 1 or max_uses > 10_000:
        raise ApplicationError("The usage cap must be between 1 and 10000.", code="bad_max_uses")
    if expires_at <= timezone.now():
        raise ApplicationError("The expiry must be in the future.", code="bad_expiry")
    if expires_at > timezone.now() + timedelta(days=MAX_JOIN_LINK_DAYS):
        raise ApplicationError(f"A join link can last at most {MAX_JOIN_LINK_DAYS} days.", code="bad_expiry")
    token = secrets.token_urlsafe(32)
    link = JoinLink.objects.create(
        organization=actor.organization,
        token_hash=_hash_token(token),
        max_uses=max_uses,
        expires_at=expires_at,
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.JOIN_LINK_CREATED,
        target=link,
        data={"max_uses": max_uses, "expires_at": expires_at.isoformat()},
    )
    return IssuedJoinLink(link=link, token=token)


@transaction.atomic
def join_link_accept(*, token: str, email: str, password: str, first_name: str = "", last_name: str = "") -> Membership:
    link = (
        JoinLink.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=_hash_token(token or ""))
        .first()
    )
    if link is None or link.revoked_at:
        raise ApplicationError("This join link is not valid. Ask your admin for a new one.", code="bad_token")
    if link.expires_at <= timezone.now():
        raise ApplicationError("This join link has expired. Ask your admin for a new one.", code="token_expired")
    if link.uses >= link.max_uses:
        raise ApplicationError("This join link has reached its usage limit.", code="link_exhausted")
    email = _normalise_email(email)
    if not link.organization.admits_email(email):
        raise ApplicationError(
            f"This link is only for addresses at {', '.join(link.organization.allowed_domains)}.",
            code="domain_not_allowed",
        )
    user = _user_create(email=email, password=password, first_name=first_name, last_name=last_name)
    member = Membership.objects.create(user=user, organization=link.organization, role=link.role)
    JoinLink.objects.filter(pk=link.pk).update(uses=F("uses") + 1)
    audit_event_record(actor=member, organization=member.organization, verb=Verb.JOIN_LINK_USED, target=link)
    return member


@transaction.atomic
def membership_deactivate(*, actor: Membership, member: Membership) -> Membership:
    _require_admin(actor)
    if member.organization_id != actor.organization_id:
        raise NotFound("No such member.")
    member.active = False
    member.deactivated_at = timezone.now()
    member.save(update_fields=["active", "deactivated_at"])
    # The login stays during the offboarding grace period, for the privacy page only (download,
    # withdraw): every other page needs an active membership. It goes with the erasure.
    audit_event_record(actor=actor, organization=member.organization, verb=Verb.MEMBERSHIP_DEACTIVATED, target=member)
    membership_ended.send(sender=Membership, member=member)  # compliance starts offboarding
    return member


# --- Invitation mail: resend, revoke, reminders, delivery -------------------


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


@transaction.atomic
def membership_role_change(*, actor: Membership, member: Membership, role: str) -> Membership:
    _require_admin(actor)
    if member.organization_id != actor.organization_id:
        raise NotFound("No such member.")
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", code="bad_role")
    if member.pk == actor.pk and role != Role.ADMIN:
        raise ApplicationError("You cannot take away your own admin role.", code="own_role")
    previous = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.MEMBERSHIP_ROLE_CHANGED,
        target=member,
        data={"from": previous, "to": role},
    )
    return member
