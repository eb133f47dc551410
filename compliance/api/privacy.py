"""/api/privacy/: the caller's retention terms and deletion receipts, and their data export."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from compliance import selectors, services
from compliance.models import DeletionReceipt, RetentionPolicy
from teams.selectors import membership_for_user


class RetentionPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionPolicy
        fields = [
            "jurisdiction",
            "selfie_days",
            "unchosen_days",
            "offboarding_days",
            "export_days",
            "audit_years",
        ]
        read_only_fields = fields


class DeletionReceiptSerializer(serializers.ModelSerializer):
    verified_empty = serializers.BooleanField(read_only=True)

    class Meta:
        model = DeletionReceipt
        fields = [
            "id",
            "member_id",
            "reason",
            "requested_by",
            "requested_at",
            "completed_at",
            "counts",
            "remaining_objects",
            "verified_empty",
        ]
        read_only_fields = fields


class PrivacySerializer(serializers.Serializer):
    retention = RetentionPolicySerializer()
    receipts = DeletionReceiptSerializer(many=True)


def _member(request):
    member = membership_for_user(request.user)
    if member is None:
        raise PermissionDenied("You are not a member of an organisation.")
    return member


@extend_schema(tags=["privacy"])
class PrivacyViewSet(viewsets.ViewSet):
    """Only ever the caller's own data."""

    @extend_schema(responses=PrivacySerializer)
    def overview(self, request):
        member = _member(request)
        data = {
            "retention": services.retention_policy_get(organization=member.organization),
            "receipts": selectors.receipts_of(member=member),
        }
        return Response(PrivacySerializer(data).data)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def export(self, request):
        return zip_response(services.subject_access_export(member=_member(request)))


def zip_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-data.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
