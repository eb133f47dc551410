"""Consent, audit, retention and erasure, read-only: what was agreed and what happened cannot be
edited here. Policies and texts change through their services (with an audit row), never here."""

from django.contrib import admin

from .models import AuditEvent, ConsentRecord, ConsentText, DeletionReceipt, RetentionPolicy, SweepRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}  # not even the bulk delete action


class _ReadOnly(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(DeletionReceipt)
class DeletionReceiptAdmin(_ReadOnly):
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
class SweepRunAdmin(_ReadOnly):
    list_display = ["started_at", "finished_at", "deleted"]
    date_hierarchy = "started_at"


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(_ReadOnly):
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
class ConsentTextAdmin(_ReadOnly):
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
