"""Operators' view of organisations and people.

Invitations and join links are made only through the services (the token is
shown once, and only its hash is stored), so the admin cannot add them.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ApiToken, Invitation, JoinLink, Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
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
    # teams.services.organization_create makes an organisation with its first admin.


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
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
    # People join through an invitation or an open link.


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
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


@admin.register(JoinLink)
class JoinLinkAdmin(ReadOnlyAdmin):
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


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: tokens are made by signing in (only a hash is kept) and revoked through the API."""

    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "key_hash"]
    exclude = ["key_hash"]
