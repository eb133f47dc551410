"""Consent: read the current text, grant it, withdraw it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from compliance import services
from compliance.models import ConsentMethod
from teams.api.permissions import IsMember

from . import serializers as s


@extend_schema(tags=["consent"])
class ConsentViewSet(viewsets.ViewSet):
    """The caller's own consent; nobody can consent for someone else."""

    permission_classes = [IsMember]

    @extend_schema(responses=s.ConsentStateSerializer)
    def current(self, request):
        member = request.membership
        text = services.consent_text_current(organization=member.organization)
        state = {
            "version": text.version,
            "sha256": text.sha256,
            "text": text.body,
            "active": services.consent_active(member=member, text=text),
        }
        return Response(s.ConsentStateSerializer(state).data)

    @extend_schema(request=s.ConsentGrantSerializer, responses={201: s.ConsentRecordSerializer})
    def grant(self, request):
        serializer = s.ConsentGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.consent_grant(
            member=request.membership,
            text_version=serializer.validated_data["version"],
            text_sha256=serializer.validated_data["sha256"],
            method=ConsentMethod.API,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(s.ConsentRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ConsentWithdrawnSerializer)
    def withdraw(self, request):
        receipt = services.consent_withdraw(member=request.membership, method=ConsentMethod.API)
        return Response(s.ConsentWithdrawnSerializer({"withdrawn": receipt.counts["consents_withdrawn"]}).data)
