from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from .audit_chain import audit_chain_seal

# BIPA: biometric identifiers are destroyed within three years at most.
BIPA_CEILING_DAYS = 1095


class Jurisdiction(models.TextChoices):
    GDPR = "gdpr", "EU/UK GDPR (explicit consent, Art. 9)"
    BIPA = "bipa", "Illinois BIPA (written release)"
    CUBI = "cubi", "Texas CUBI (notice and consent)"
    WASHINGTON = "washington", "Washington RCW 19.375 / My Health My Data (notice and consent)"


class RetentionPolicy(models.Model):
    """How long each kind of data is kept, per organisation.

    Shown to members (inside the consent text) before they consent. Changing
    it changes the text, which makes members consent again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.OneToOneField("teams.Organization", on_delete=models.CASCADE, related_name="retention_policy")
    jurisdiction = models.CharField(max_length=10, choices=Jurisdiction.choices, default=Jurisdiction.GDPR)
    # N: selfies and descriptors, days after the member's last job finished (0 = on success).
    selfie_days = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(BIPA_CEILING_DAYS)])
    # R: selfies that failed the checklist, days after upload (gone sooner: at the next usable upload).
    rejected_selfie_days = models.PositiveIntegerField(default=1, validators=[MaxValueValidator(30)])
    # M: variants nobody chose, days after they were rendered.
    unchosen_days = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(3650)])
    # K: approved headshots (and everything else) after the membership ends:
    # the offboarding grace period.
    offboarding_days = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(3650)])
    # L: export zips, days after they were built.
    export_days = models.PositiveIntegerField(default=14, validators=[MaxValueValidator(3650)])
    # Y: audit log, years.
    audit_years = models.PositiveIntegerField(default=6, validators=[MinValueValidator(1), MaxValueValidator(10)])
    # Who members and the public contact about their data (a DPO or privacy team), on the public page.
    privacy_contact = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"retention policy of {self.organization_id}"


class ConsentText(models.Model):
    """One version of the consent text for an organisation and jurisdiction.

    ``template`` is what the organisation edits; ``body`` is exactly what
    members read (the template filled with the organisation's name and
    retention terms). ``material_version`` goes up on every material change;
    a consent given to an older material version no longer counts.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="consent_texts")
    jurisdiction = models.CharField(max_length=10, choices=Jurisdiction.choices)
    number = models.PositiveIntegerField()
    material_version = models.PositiveIntegerField()
    template = models.TextField()
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization", "jurisdiction", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "jurisdiction", "number"], name="consent_text_number")
        ]

    def __str__(self) -> str:
        return self.version

    @property
    def version(self) -> str:
        return f"{self.jurisdiction}-{self.number}"


class ConsentMethod(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "API"


class ConsentRecord(models.Model):
    """Explicit consent to process a member's face, for one text version.

    ``text_sha256`` is the hash of the exact text the member was shown, so a
    later change of wording cannot be passed off as what they agreed to.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey("teams.Membership", on_delete=models.CASCADE, related_name="consents")
    # RESTRICT, not PROTECT: a text cannot go while a record cites it, except when both go
    # together (the organisation is deleted).
    text = models.ForeignKey(ConsentText, null=True, on_delete=models.RESTRICT, related_name="records")
    text_version = models.CharField(max_length=64)
    text_sha256 = models.CharField(max_length=64)
    method = models.CharField(max_length=10, choices=ConsentMethod.choices, default=ConsentMethod.WEB)
    granted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["member", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"consent {self.text_version} by {self.member_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise PermissionError("audit rows are appended one by one, each sealed into its chain")


class AuditEvent(models.Model):
    """Append-only record of everything that matters. Holds no images.

    The actor is kept as the pseudonymous membership id (and the user id for
    staff without a membership), never as a foreign key: erasing a member
    must not rewrite history. On Postgres a trigger refuses UPDATE and
    DELETE, and after ``manage.py audit_lockdown`` the application's role
    may only INSERT and SELECT; pruning rows older than the policy runs in
    a security-definer function (see compliance.services.retention). Each
    row is sealed into its organisation's hash chain (compliance.audit_chain).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "teams.Organization",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_member_id = models.UUIDField(null=True, blank=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # The pseudonymous id of the member the event is about (for their data export).
    subject_member_id = models.UUIDField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Position in the organisation's hash chain, the previous row's hash and this row's.
    seq = models.BigIntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["organization", "verb"]),
            models.Index(fields=["target_id"]),
            models.Index(fields=["organization", "seq"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        # Sealed here, not in one recorder, so that no way of adding a row skips the chain.
        with transaction.atomic():
            audit_chain_seal(self)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class ErasureReason(models.TextChoices):
    WITHDRAWAL = "withdrawal", "Consent withdrawn by the member"
    REQUEST = "request", "Erasure request handled by an admin"
    OFFBOARDING = "offboarding", "Membership ended, grace period over"
    CONTRACT_END = "contract_end", "The organisation was deleted at the end of its contract"


class DeletionReceipt(models.Model):
    """Proof that a member's data was erased. Holds only the pseudonymous
    member id (the membership UUID): no name, no e-mail, no images."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "teams.Organization",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    member_id = models.UUIDField(db_index=True)
    reason = models.CharField(max_length=20, choices=ErasureReason.choices)
    # Who asked: a membership id, or a label such as "manage.py erase_member" / "retention sweep".
    requested_by = models.CharField(max_length=120)
    requested_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # {"selfies": 3, "descriptors": 3, "headshots": 4, "exports": 1, "jobs_cancelled": 1,
    #  "storage_objects": 8, ...}
    counts = models.JSONField(default=dict, blank=True)
    # Objects still listed under the member's prefix after the cascade: 0 is the promise.
    remaining_objects = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"receipt {self.id} for {self.member_id}"

    @property
    def verified_empty(self) -> bool:
        return self.completed_at is not None and self.remaining_objects == 0


class SweepRun(models.Model):
    """One run of the retention sweep: what it deleted and what failed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"selfies": n, "unchosen_headshots": n, "exports": n, "offboarded_members": n,
    #  "audit_events": n, "erasures_completed": n}
    deleted = models.JSONField(default=dict, blank=True)
    # [{"category": ..., "id": ..., "error": ...}] — retried on the next run.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"sweep {self.started_at:%Y-%m-%d %H:%M}"


class OrganizationDeletionStatus(models.TextChoices):
    """scheduled -> running -> completed; running -> scheduled again when storage failed
    (retried by the next sweep); scheduled -> cancelled."""

    SCHEDULED = "scheduled", "Scheduled"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class OrganizationDeletion(models.Model):
    """Deleting a whole organisation at the end of its contract, and the final receipt.

    Outlives the organisation: it keeps the organisation's id and name (a
    company, not a person), counts and the proof that its storage prefix
    listed empty, never a member's name or e-mail.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "teams.Organization",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    organization_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=OrganizationDeletionStatus.choices, default=OrganizationDeletionStatus.SCHEDULED
    )
    scheduled_for = models.DateTimeField()
    requested_by = models.CharField(max_length=120)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # {"members_erased": n, "member_receipts": [...], "rows": {"generation.export": n, ...}, "storage_objects": n}
    counts = models.JSONField(default=dict, blank=True)
    remaining_objects = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status__in=["scheduled", "running"]),
                name="one_open_deletion_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"deletion of {self.organization_name} ({self.status})"

    @property
    def verified_empty(self) -> bool:
        return self.status == OrganizationDeletionStatus.COMPLETED and self.remaining_objects == 0


class BreachRecord(models.Model):
    """One personal-data breach, documented whether or not it is notified (GDPR Art. 33(5)).

    Written through ``breach_record`` (with an audit row); kept, never edited in place:
    a later finding is a new record pointing at the first.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "teams.Organization", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="updates")
    discovered_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.CharField(max_length=120)
    description = models.TextField(help_text="What happened, and how it was found.")
    data_categories = models.CharField(max_length=300, help_text="e.g. selfies, e-mail addresses")
    members_affected = models.PositiveIntegerField(default=0)
    consequences = models.TextField(blank=True, help_text="Likely consequences for the people affected.")
    measures = models.TextField(blank=True, help_text="Measures taken or proposed, including to limit harm.")
    authority_notified_at = models.DateTimeField(null=True, blank=True)
    members_notified_at = models.DateTimeField(null=True, blank=True)
    not_notified_because = models.TextField(blank=True, help_text="Why no notification was needed, if none was made.")

    class Meta:
        ordering = ["-discovered_at"]

    def __str__(self) -> str:
        return f"breach discovered {self.discovered_at:%Y-%m-%d}"


class MemberJurisdiction(models.Model):
    """The law a member's consent follows, where it differs from the organisation's default
    (an Illinois employee of a European company reads the BIPA release, not the GDPR text)."""

    member = models.OneToOneField("teams.Membership", on_delete=models.CASCADE, related_name="jurisdiction")
    jurisdiction = models.CharField(max_length=10, choices=Jurisdiction.choices)
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.jurisdiction}"
