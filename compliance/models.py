from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


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
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Append-only record of everything that matters. Holds no images.

    The actor is kept as the pseudonymous membership id (and the user id for
    staff without a membership), never as a foreign key: erasing a member
    must not rewrite history.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "teams.Organization", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_member_id = models.UUIDField(null=True, blank=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["organization", "verb"]), models.Index(fields=["target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")
