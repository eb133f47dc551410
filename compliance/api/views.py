"""/api/consent/: read the current text, grant it, withdraw it. /api/privacy/: the caller's retention
terms, deletion receipts and data export."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from compliance import selectors, services
from compliance.models import ConsentMethod, DeletionReceipt, RetentionPolicy
from teams.api.permissions import IsMember, MemberView
from teams.models import Membership
from teams.selectors import membership_for_user

from . import serializers as s


@extend_schema(tags=["consent"])
class ConsentViewSet(MemberView, viewsets.ViewSet):
    """The caller's own consent; nobody can consent for someone else."""

    permission_classes = [IsMember]

    @extend_schema(responses=s.ConsentStateSerializer)
    def current(self, request: Request) -> Response:
        member = self.actor
        text = services.consent_text_for(member=member)
        state = {
            "version": text.version,
            "sha256": text.sha256,
            "text": text.body,
            "active": services.consent_active(member=member),
        }
        return Response(s.ConsentStateSerializer(state).data)

    @extend_schema(request=s.ConsentGrantSerializer, responses={201: s.ConsentRecordSerializer})
    def grant(self, request: Request) -> Response:
        serializer = s.ConsentGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.consent_grant(
            member=self.actor,
            text_version=serializer.validated_data["version"],
            text_sha256=serializer.validated_data["sha256"],
            method=ConsentMethod.API,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(s.ConsentRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ConsentWithdrawnSerializer)
    def withdraw(self, request: Request) -> Response:
        receipt = services.consent_withdraw(member=self.actor, method=ConsentMethod.API)
        return Response(s.ConsentWithdrawnSerializer({"withdrawn": receipt.counts["consents_withdrawn"]}).data)


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


def _member(request: Request) -> Membership:
    member = membership_for_user(request.user)
    if member is None:
        raise PermissionDenied("You are not a member of an organisation.")
    return member


@extend_schema(tags=["privacy"])
class PrivacyViewSet(MemberView, viewsets.ViewSet):
    """Only ever the caller's own data."""

    @extend_schema(responses=PrivacySerializer)
    def overview(self, request: Request) -> Response:
        member = _member(request)
        data = {
            "retention": services.retention_policy_get(organization=member.organization),
            "receipts": selectors.receipts_of(member=member),
        }
        return Response(PrivacySerializer(data).data)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def export(self, request: Request) -> HttpResponse:
        return zip_response(services.subject_access_export(member=_member(request)))


def zip_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-data.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
