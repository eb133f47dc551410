"""Operators' view of organisations and people.

Invitations and join links are made only through the services (the token is
shown once, and only its hash is stored), so the admin cannot add them.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Invitation, JoinLink, Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "allowed_domains",
        "likeness_threshold",
        "skin_tone_threshold",
        "created_at",
    ]
    search_fields = ["name", "slug"]
    readonly_fields = ["id", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # teams.services.organization_create also makes the first admin and the default style.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "organization",
        "role",
        "department",
        "job_title",
        "active",
        "joined_at",
    ]
    list_filter = ["role", "active", "organization"]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "department",
        "job_title",
        "id",
    ]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user", "organization"]
    readonly_fields = ["id", "joined_at", "active", "deactivated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join through an invitation or an open link


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "department",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "organization", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "first_name", "last_name", "department"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "invited_by"]
    readonly_fields = ["id", "token_hash", "created_at", "accepted_at", "invited_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(JoinLink)
class JoinLinkAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "role",
        "uses",
        "max_uses",
        "created_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["role", "organization"]
    search_fields = ["organization__name", "organization__slug"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "created_by"]
    readonly_fields = ["id", "token_hash", "uses", "created_at", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
