"""Consent, audit, retention and erasure, read-only: what was agreed and what happened cannot be
edited here. Policies and texts change through their services (with an audit row), never here."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin

from .models import (
    AuditEvent,
    BreachRecord,
    ConsentRecord,
    ConsentText,
    DeletionReceipt,
    MemberJurisdiction,
    OrganizationDeletion,
    RetentionPolicy,
    SweepRun,
)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["member", "text_version", "method", "granted_at", "withdrawn_at", "ip_address"]
    list_filter = [
        "text_version",
        "method",
        ("withdrawn_at", admin.EmptyFieldListFilter),
        "member__organization",
    ]
    search_fields = ["member__user__email", "member__id", "text_sha256"]
    list_select_related = ["member__user", "member__organization"]
    raw_id_fields = ["member"]
    date_hierarchy = "granted_at"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: viewable and filterable, never added, changed or deleted here."""

    list_display = ["at", "verb", "organization", "target_type", "target_id", "actor_member_id"]
    list_filter = ["verb", "target_type", "organization"]
    search_fields = ["verb", "target_id", "actor_member_id"]
    list_select_related = ["organization"]
    date_hierarchy = "at"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # not even the bulk delete action


@admin.register(DeletionReceipt)
class DeletionReceiptAdmin(ReadOnlyAdmin):
    list_display = [
        "requested_at",
        "member_id",
        "reason",
        "requested_by",
        "completed_at",
        "remaining_objects",
    ]
    list_filter = ["reason", ("completed_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["member_id", "id"]
    list_select_related = ["organization"]
    date_hierarchy = "requested_at"


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "deleted"]
    date_hierarchy = "started_at"


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(ReadOnlyAdmin):
    list_display = [
        "organization",
        "jurisdiction",
        "selfie_days",
        "unchosen_days",
        "offboarding_days",
        "export_days",
        "audit_years",
        "updated_at",
    ]
    list_filter = ["jurisdiction"]
    list_select_related = ["organization"]


@admin.register(ConsentText)
class ConsentTextAdmin(ReadOnlyAdmin):
    list_display = [
        "organization",
        "jurisdiction",
        "number",
        "material_version",
        "sha256",
        "created_at",
    ]
    list_filter = ["jurisdiction", "organization"]
    search_fields = ["sha256"]
    list_select_related = ["organization"]


class OrganizationDeletionForm(forms.ModelForm):
    confirm = forms.BooleanField(
        required=True, label="I understand this erases every member and deletes the organisation for good"
    )

    class Meta:
        model = OrganizationDeletion
        fields = ["organization", "scheduled_for"]


@admin.register(OrganizationDeletion)
class OrganizationDeletionAdmin(admin.ModelAdmin):
    """Schedule an organisation's deletion at its contract end; the hourly task runs it.

    Adding goes through the service (audit row, one open deletion per organisation);
    the receipt is read-only; "cancel" is the only change.
    """

    form = OrganizationDeletionForm
    list_display = ["organization_name", "status", "scheduled_for", "completed_at", "remaining_objects"]
    list_filter = ["status"]
    search_fields = ["organization_name", "id"]
    raw_id_fields = ["organization"]
    actions = ["cancel"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services.organization_deletion import DeletionAlreadyScheduled, organization_deletion_schedule

        try:
            saved = organization_deletion_schedule(
                organization=form.cleaned_data["organization"],
                scheduled_for=form.cleaned_data["scheduled_for"],
                requested_by=f"admin {request.user.get_username()}",
            )
        except DeletionAlreadyScheduled as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return
        obj.pk = saved.pk

    @admin.action(description="Cancel the selected scheduled deletions")
    def cancel(self, request: HttpRequest, queryset: Any) -> None:
        from .services.organization_deletion import organization_deletion_cancel

        done = sum(organization_deletion_cancel(deletion=d) for d in queryset)
        self.message_user(request, f"{done} deletion(s) cancelled.")


@admin.register(BreachRecord)
class BreachRecordAdmin(admin.ModelAdmin):
    """The breach log: add a record (through the service, audited); records are never edited or deleted.
    A later finding is a new record that "follows" the first."""

    list_display = ["discovered_at", "organization", "data_categories", "members_affected", "authority_notified_at"]
    list_filter = [("authority_notified_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["description", "data_categories"]
    raw_id_fields = ["organization", "follows"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] if obj is not None else ["recorded_at", "recorded_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services.breaches import breach_record

        details = {k: v for k, v in form.cleaned_data.items() if k not in ("organization", "discovered_at")}
        saved = breach_record(
            organization=form.cleaned_data.get("organization"),
            discovered_at=form.cleaned_data["discovered_at"],
            recorded_by=f"admin {request.user.get_username()}",
            **details,
        )
        obj.pk = saved.pk


@admin.register(MemberJurisdiction)
class MemberJurisdictionAdmin(admin.ModelAdmin):
    """Which law a member's consent follows, when not the organisation's default. Set through the
    service (audited); the member is asked to consent again under the new text."""

    list_display = ["member", "jurisdiction", "set_at"]
    list_filter = ["jurisdiction"]
    raw_id_fields = ["member"]
    readonly_fields = ["set_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services import member_jurisdiction_set

        member_jurisdiction_set(actor=None, member=obj.member, jurisdiction=obj.jurisdiction)
        obj.pk = MemberJurisdiction.objects.get(member=obj.member).pk
