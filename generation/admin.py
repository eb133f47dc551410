"""Operators' view of styles, selfies, jobs, headshots and exports.

Rows here are made and changed by the services (uploads, renders, reviews,
exports), so the admin shows them and does not add them.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import BrandStyle, Export, ExportMember, GenerationJob, Headshot, Selfie
from .services.removal import media_rows_delete


class ServiceMadeAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class DeletesMediaAdmin(ServiceMadeAdmin):
    """Deleting here deletes the row's files too (after commit), with an audit row."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        media_rows_delete(rows=[obj], requested_by=f"admin {request.user.get_username()}")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        media_rows_delete(rows=list(queryset), requested_by=f"admin {request.user.get_username()}")


@admin.register(BrandStyle)
class BrandStyleAdmin(ServiceMadeAdmin):
    list_display = [
        "name",
        "version",
        "organization",
        "is_current",
        "engine",
        "backdrop_color",
        "variant_count",
        "created_at",
    ]
    list_filter = ["engine", "is_current", "organization"]
    search_fields = ["name", "organization__name", "organization__slug"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "created_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A style change makes a new version (generation.services.brand_style_update).
        return [field.name for field in self.model._meta.fields]


@admin.register(Selfie)
class SelfieAdmin(DeletesMediaAdmin):
    list_display = [
        "id",
        "member",
        "organization",
        "uploaded_at",
        "width",
        "height",
        "original_format",
        "usable",
    ]
    list_filter = ["usable", "original_format", "organization"]
    search_fields = ["id", "member__id", "member__user__email"]
    list_select_related = ["member__user", "member__organization", "organization"]
    raw_id_fields = ["organization", "member"]
    readonly_fields = [
        "id",
        "storage_key",
        "uploaded_at",
        "width",
        "height",
        "original_format",
        "checks",
        "usable",
    ]


class HeadshotInline(admin.TabularInline):
    model = Headshot
    fields = ("variant_index", "chosen", "review_state", "rejection_reason", "width", "height")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GenerationJob)
class GenerationJobAdmin(DeletesMediaAdmin):
    list_display = [
        "id",
        "member",
        "organization",
        "engine",
        "status",
        "attempts",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "engine", "organization"]
    search_fields = ["id", "member__id", "member__user__email", "idempotency_key", "error"]
    list_select_related = ["member__user", "member__organization", "organization"]
    raw_id_fields = ["organization", "member", "style", "requested_by"]
    readonly_fields = [
        "id",
        "engine",
        "status",
        "idempotency_key",
        "attempts",
        "error",
        "progress_step",
        "progress_total",
        "report",
        "created_at",
        "started_at",
        "finished_at",
    ]
    date_hierarchy = "created_at"
    inlines = [HeadshotInline]


@admin.register(Headshot)
class HeadshotAdmin(DeletesMediaAdmin):
    list_display = [
        "id",
        "member",
        "organization",
        "variant_index",
        "chosen",
        "review_state",
        "reviewed_by",
        "reviewed_at",
    ]
    list_filter = ["review_state", "chosen", "organization"]
    search_fields = ["id", "member__id", "member__user__email", "rejection_reason"]
    list_select_related = [
        "member__user",
        "member__organization",
        "organization",
        "reviewed_by__user",
    ]
    raw_id_fields = ["organization", "member", "job", "reviewed_by"]
    readonly_fields = [
        "id",
        "variant_index",
        "storage_key",
        "width",
        "height",
        "guards",
        "chosen",
        "chosen_at",
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
        "created_at",
    ]


@admin.register(Export)
class ExportAdmin(DeletesMediaAdmin):
    list_display = [
        "id",
        "organization",
        "department",
        "status",
        "headshot_count",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "organization"]
    search_fields = ["id", "department", "organization__name"]
    list_select_related = ["organization", "requested_by__user"]
    raw_id_fields = ["organization", "requested_by"]
    readonly_fields = [
        "id",
        "department",
        "status",
        "storage_key",
        "headshot_count",
        "members_done",
        "bytes_written",
        "attempts",
        "lease_until",
        "chunk_running",
        "error",
        "created_at",
        "finished_at",
    ]


@admin.register(ExportMember)
class ExportMemberAdmin(ServiceMadeAdmin):
    """Who is in which export (erasure follows these rows to the zips holding a person)."""

    list_display = ["export", "position", "name", "member"]
    search_fields = ["export__id", "member__user__email", "name"]
    list_select_related = ["export", "member__user"]
    raw_id_fields = ["export", "member", "headshot"]
    readonly_fields = ["export", "member", "headshot", "position", "name", "entries"]
