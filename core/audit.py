"""The audit recorder every app writes through, and the verbs it knows.

The audit log itself (``compliance.AuditEvent``) lives above teams, so the
apps below it cannot import it. Instead compliance installs its writer here in
``ComplianceConfig.ready()``; every service calls ``audit_event_record``
inside its transaction. Verbs are constants, never built from strings, so the
log can be searched and a typo fails at import.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model


class Verb(StrEnum):
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    ACCOUNT_ERASED = "account.erased"
    ADMIN_DELETED = "admin.deleted"
    BREACH_RECORDED = "breach.recorded"
    CONSENT_GRANTED = "consent.granted"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_TEXT_PUBLISHED = "consent_text.published"
    EXPORT_BUILT = "export.built"
    EXPORT_CREATED = "export.created"
    EXPORT_DISCARDED = "export.discarded"
    EXPORT_DOWNLOADED = "export.downloaded"
    HEADSHOT_APPROVED = "headshot.approved"
    HEADSHOT_CHOSEN = "headshot.chosen"
    HEADSHOT_DOWNLOADED = "headshot.downloaded"
    HEADSHOT_PROVIDED = "headshot.provided"
    HEADSHOT_REJECTED = "headshot.rejected"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_CREATED = "invitation.created"
    INVITATION_IMPORTED = "invitation.imported"
    JOB_CANCELLED = "job.cancelled"
    INVITATION_REMINDED = "invitation.reminded"
    INVITATION_RESENT = "invitation.resent"
    INVITATION_REVOKED = "invitation.revoked"
    JOB_CREATED = "job.created"
    JOB_REQUEUED = "job.requeued"
    JOB_RETRIED = "job.retried"
    JOB_SUCCEEDED = "job.succeeded"
    JOB_FAILED = "job.failed"
    JOIN_LINK_CREATED = "join_link.created"
    JOIN_LINK_USED = "join_link.used"
    MEMBER_ERASED = "member.erased"
    MEMBER_ERASURE_REQUESTED = "member.erasure_requested"
    MEMBER_JURISDICTION_SET = "member.jurisdiction_set"
    MEMBERSHIP_DEACTIVATED = "membership.deactivated"
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed"
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_DELETED = "organization.deleted"
    ORGANIZATION_DELETION_CANCELLED = "organization.deletion_cancelled"
    ORGANIZATION_DELETION_SCHEDULED = "organization.deletion_scheduled"
    RETENTION_SWEPT = "retention.swept"
    RETENTION_POLICY_UPDATED = "retention_policy.updated"
    SELFIE_CHECKED = "selfie.checked"
    SELFIE_DELETED = "selfie.deleted"
    SELFIE_UPLOADED = "selfie.uploaded"
    SELFIE_VIEWED = "selfie.viewed"
    SELFIES_RELEASED = "selfies.released"
    STORAGE_RECONCILED = "storage.reconciled"
    STYLE_CREATED = "style.created"
    STYLE_RERENDER_REQUESTED = "style.rerender_requested"
    STYLE_UPDATED = "style.updated"
    SUBJECT_ACCESS_EXPORTED = "subject_access.exported"


class Actor(Protocol):
    """Who did it: a membership (teams), seen only through what the log keeps."""

    @property
    def pk(self) -> Any: ...

    @property
    def user_id(self) -> Any: ...


class AuditWriter(Protocol):
    def __call__(
        self,
        *,
        actor: Actor | None,
        organization: Model | None,
        verb: Verb,
        target: Model | None,
        data: dict[str, Any],
        subject: Model | None,
    ) -> Model: ...


_writer: AuditWriter | None = None


def audit_writer_install(writer: AuditWriter) -> None:
    """Called once by the app that owns the audit log (compliance)."""
    global _writer
    _writer = writer


def audit_event_record(
    *,
    actor: Actor | None,
    organization: Model | None,
    verb: Verb,
    target: Model | None = None,
    data: dict[str, Any] | None = None,
    subject: Model | None = None,
) -> Model:
    """Append one row to the audit log. Call it inside the write's transaction."""
    if _writer is None:
        raise ImproperlyConfigured("No audit log installed: add 'compliance' to INSTALLED_APPS.")
    if not isinstance(verb, Verb):
        raise TypeError(f"audit verbs are core.audit.Verb constants, not {verb!r}")
    return _writer(actor=actor, organization=organization, verb=verb, target=target, data=data or {}, subject=subject)
