"""Invitations: one address at a time or a whole CSV, and accepting them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError
from core.text import clean_text

from ..models import Invitation, Membership, Organization, Role
from .accounts import _hash_token, _normalise_email, _require_admin, _user_create

MAX_CSV_ROWS = 5000
CSV_COLUMNS = ["email", "first_name", "last_name", "department", "title", "role"]


def _invitation_token(invitation_id: object) -> str:
    # Derived, not stored: a mail task rebuilds the link from the id; the database holds only its hash.
    return salted_hmac("teams.invitation", str(invitation_id), algorithm="sha256").hexdigest()


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("teams:invite-accept", kwargs={"token": _invitation_token(invitation.id)})


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
    from ..tasks import invitation_mail_task

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
