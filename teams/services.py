from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from compliance.services.retention import offboarding_start
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from core.text import clean_text

from .models import Invitation, JoinLink, Membership, Organization, Role

User = get_user_model()

MAX_CSV_ROWS = 5000
MAX_JOIN_LINK_DAYS = 365
CSV_COLUMNS = ["email", "first_name", "last_name", "department", "title", "role"]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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


def _user_create(*, email: str, password: str, first_name: str, last_name: str):
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
    """Create an organisation, its first admin and its default brand style."""
    from generation.services import brand_style_create_default

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
    brand_style_create_default(organization=org, actor=admin)
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
) -> tuple[Invitation, str]:
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", code="bad_role")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=actor.organization,
        email=_normalise_email(email),
        role=role,
        first_name=clean_text(first_name, label="The first name", max_length=150),
        last_name=clean_text(last_name, label="The last name", max_length=150),
        department=clean_text(department, label="The department", max_length=120),
        job_title=clean_text(job_title, label="The job title", max_length=120),
        token_hash=_hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    return invitation, token


def _invitation_check_new(*, organization: Organization, email: str) -> None:
    # Only this organisation's members count: answering "already has an account" for someone
    # elsewhere would tell an admin who uses the product at other companies.
    if Membership.objects.filter(organization=organization, user__username=email).exists():
        raise ApplicationError(f"{email} already has an account.", code="already_member")
    if Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ApplicationError(f"{email} already has an open invitation.", code="already_invited")


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
) -> IssuedInvitation:
    _require_admin(actor)
    invitation, token = _invitation_build(
        actor=actor,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        department=department,
        job_title=job_title,
    )
    _invitation_check_new(organization=actor.organization, email=invitation.email)
    invitation.save()
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.INVITATION_CREATED,
        target=invitation,
        data={"role": invitation.role},
    )
    return IssuedInvitation(invitation=invitation, token=token)


@dataclass
class CsvImportResult:
    created: list[IssuedInvitation] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"line": n, "email": ..., "error": ...}


def invitations_import_csv(*, actor: Membership, csv_text: str, skip_bad_rows: bool = False) -> CsvImportResult:
    """Import ``email,first_name,last_name,department,title,role`` rows.

    Every row is checked first. With bad rows, nothing is imported unless
    ``skip_bad_rows`` is set, in which case all good rows are; either way the
    result names each bad row and why.
    """
    _require_admin(actor)
    try:
        return _import_rows(actor, csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))), skip_bad_rows)
    except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, a broken quote
        raise ApplicationError(f"The CSV cannot be read: {exc}.", code="bad_csv") from None


def _import_rows(actor: Membership, reader: csv.DictReader, skip_bad_rows: bool) -> CsvImportResult:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in header:
        raise ApplicationError(
            f"The CSV needs a header row with the columns {','.join(CSV_COLUMNS)}.", code="bad_csv_header"
        )
    result = CsvImportResult()
    pending: list[tuple[Invitation, str]] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        if line > MAX_CSV_ROWS + 1:
            raise ApplicationError(f"The CSV has more than {MAX_CSV_ROWS} rows; split it.", code="csv_too_long")
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        try:
            invitation, token = _invitation_build(
                actor=actor,
                email=row.get("email", ""),
                role=(row.get("role") or Role.EMPLOYEE).lower(),
                first_name=row.get("first_name", ""),
                last_name=row.get("last_name", ""),
                department=row.get("department", ""),
                job_title=row.get("title", ""),
            )
            if invitation.email in seen:
                raise ApplicationError(f"{invitation.email} appears twice in the file.", code="duplicate_row")
            _invitation_check_new(organization=actor.organization, email=invitation.email)
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
        for invitation, token in pending:
            invitation.save()
            result.created.append(IssuedInvitation(invitation=invitation, token=token))
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
    offboarding_start(member=member)  # the erasure cascade follows after the grace period
    return member
