"""Shapes of the teams API. Validation of meaning lives in teams.services."""

from __future__ import annotations

from rest_framework import serializers

from teams.models import Invitation, JoinLink, Membership, Organization, Role


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug"]


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "department", "job_title", "organization"]


class SignedInSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
    expires_at = serializers.DateTimeField(help_text="Sign in again after this.")
    membership = MembershipSerializer()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True, help_text="Say what uses it."
    )


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(source="invited_by.user.email", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "department",
            "job_title",
            "role",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "invited_by",
            "domain_override",
            "delivery",
            "delivery_error",
            "sent_at",
            "reminders_sent",
            "last_reminded_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EMPLOYEE)
    first_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    department = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    job_title = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    allow_outside_domain = serializers.BooleanField(required=False, default=False)


class BulkResendSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=1000)


class BulkResendResultSerializer(serializers.Serializer):
    resent = serializers.IntegerField()


class IssuedInvitationSerializer(serializers.Serializer):
    invitation = InvitationSerializer()
    token = serializers.CharField(help_text="Shown once: only its hash is stored. Send it to the invitee.")


class InvitationImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with the header email,first_name,last_name,department,title,role.")
    skip_bad_rows = serializers.BooleanField(
        default=False, help_text="Import the valid rows and report the bad ones, instead of importing none."
    )


class SkippedRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    email = serializers.CharField()
    error = serializers.CharField()


class InvitationImportResultSerializer(serializers.Serializer):
    created = IssuedInvitationSerializer(many=True)
    skipped = SkippedRowSerializer(many=True)


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)


class JoinLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = JoinLink
        fields = ["id", "role", "max_uses", "uses", "created_at", "expires_at", "revoked_at"]
        read_only_fields = fields


class JoinLinkCreateSerializer(serializers.Serializer):
    max_uses = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class IssuedJoinLinkSerializer(serializers.Serializer):
    link = JoinLinkSerializer()
    token = serializers.CharField(help_text="Shown once: only its hash is stored.")


class JoinSerializer(InvitationAcceptSerializer):
    email = serializers.CharField(max_length=254)
