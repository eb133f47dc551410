"""Operators' view of organisations and people.

Invitations and join links are made only through the services (the token is
shown once, and only its hash is stored), so the admin cannot add them.
"""

from django.contrib import admin

from .models import ApiToken, Invitation, JoinLink, Membership, Organization


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

    def has_add_permission(self, request):
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

    def has_add_permission(self, request):
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

    def has_add_permission(self, request):
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

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made by signing in (only a hash is kept) and revoked through the API."""

    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "key_hash"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
