"""Sign-in tokens, invitations and open join links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError, NotAllowed
from teams import selectors, services
from teams.access import client_ip
from teams.models import ApiToken, Invitation, JoinLink, Membership
from teams.throttle import LINK_SCOPE, attempt_check, attempt_failed, attempt_succeeded, link_failure_count
from teams.tokens import api_token_create, api_token_revoke

from . import serializers as s
from .permissions import IsAdmin, MemberView

UUID_PATTERN = "[0-9a-f-]{36}"


def signed_in(member: Membership, *, name: str = "sign-in") -> dict:
    issued = api_token_create(member=member, name=name)
    body = {"token": issued.key, "expires_at": issued.token.expires_at, "membership": member}
    return s.SignedInSerializer(body).data


class AuthTokenView(APIView):
    """Trade an e-mail and password for an API token (POST); revoke the token in use (DELETE).

    Repeated failures lock the account (and the caller's address) for a while: 429."""

    permission_classes = [AllowAny]

    def get_authenticators(self) -> list:
        # POST is anonymous by design; DELETE needs the token it revokes.
        return super().get_authenticators() if getattr(self.request, "method", "DELETE") == "DELETE" else []

    @extend_schema(request=s.TokenRequestSerializer, responses=s.SignedInSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = _valid(s.TokenRequestSerializer, request.data)
        email, ip = data["email"].strip().lower(), client_ip(request)
        attempt_check(scope="token", account=email, ip=ip)
        user = authenticate(request, username=email, password=data["password"])
        if user is None:
            attempt_failed(scope="token", account=email, ip=ip)
            raise ApplicationError("The e-mail or password is wrong.", code="bad_credentials")
        attempt_succeeded(scope="token", account=email)
        member = selectors.membership_for_user(user)
        if member is None:
            raise NotAllowed("Your account is not an active member of an organisation.", code="not_member")
        return Response(signed_in(member, name=data.get("name") or "sign-in"))

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request: Request) -> Response:
        member = selectors.membership_for_user(request.user)
        if member is None or not isinstance(request.auth, ApiToken):
            raise ApplicationError("Sign in with a token to revoke it.", code="no_token")
        api_token_revoke(member=member, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _link_guarded(request: Request, accept: Callable[..., Membership], data: dict[str, Any]) -> Membership:
    """Accept an invitation or join link; a caller guessing tokens is locked out (429)."""
    attempt_check(scope=LINK_SCOPE, ip=client_ip(request))
    try:
        return accept(**data)
    except ApplicationError as exc:
        link_failure_count(request, exc)
        raise


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=["invitations"])
class InvitationViewSet(MemberView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Admins invite staff one by one or from a CSV; invitees accept with their token."""

    queryset = Invitation.objects.none()  # for the schema; requests use get_queryset
    serializer_class = s.InvitationSerializer
    permission_classes = [IsAdmin]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitations_of(actor=self.actor)

    @extend_schema(request=s.InvitationCreateSerializer, responses={201: s.IssuedInvitationSerializer})
    def create(self, request: Request) -> Response:
        issued = services.invitation_create(actor=self.actor, **_valid(s.InvitationCreateSerializer, request.data))
        return Response(s.IssuedInvitationSerializer(issued).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.InvitationImportSerializer, responses={201: s.InvitationImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request: Request) -> Response:
        data = _valid(s.InvitationImportSerializer, request.data)
        try:
            text = data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApplicationError("The CSV must be UTF-8 text.", code="bad_csv_encoding") from None
        result = services.invitations_import_csv(actor=self.actor, csv_text=text, skip_bad_rows=data["skip_bad_rows"])
        body = {"created": result.created, "skipped": result.errors}
        return Response(s.InvitationImportResultSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str | None = None) -> Response:
        invitation = services.invitation_resend(actor=self.actor, invitation=self.get_object())
        return Response(s.InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        invitation = services.invitation_remind(actor=self.actor, invitation=self.get_object())
        return Response(s.InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        invitation = services.invitation_revoke(actor=self.actor, invitation=self.get_object())
        return Response(s.InvitationSerializer(invitation).data)

    @extend_schema(
        request=s.BulkResendSerializer, responses=s.BulkResendResultSerializer, operation_id="invitations_resend_many"
    )
    @action(detail=False, methods=["post"], url_path="resend")
    def resend_many(self, request: Request) -> Response:
        ids = _valid(s.BulkResendSerializer, request.data)["ids"]
        count = services.invitations_resend(actor=self.actor, invitation_ids=[str(i) for i in ids])
        return Response({"resent": count})

    @extend_schema(request=s.InvitationAcceptSerializer, responses={201: s.SignedInSerializer})
    @action(detail=False, methods=["post"], permission_classes=[AllowAny], authentication_classes=[])
    def accept(self, request: Request) -> Response:
        data = _valid(s.InvitationAcceptSerializer, request.data)
        member = _link_guarded(request, services.invitation_accept, data)
        return Response(signed_in(member), status=status.HTTP_201_CREATED)


@extend_schema(tags=["invitations"])
class JoinLinkViewSet(MemberView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open links for the organisation's e-mail domains, with a usage cap and an expiry."""

    queryset = JoinLink.objects.none()
    serializer_class = s.JoinLinkSerializer
    permission_classes = [IsAdmin]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[JoinLink]:
        return selectors.join_links_of(actor=self.actor)

    @extend_schema(request=s.JoinLinkCreateSerializer, responses={201: s.IssuedJoinLinkSerializer})
    def create(self, request: Request) -> Response:
        issued = services.join_link_create(actor=self.actor, **_valid(s.JoinLinkCreateSerializer, request.data))
        return Response(s.IssuedJoinLinkSerializer(issued).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.JoinSerializer, responses={201: s.SignedInSerializer})
    @action(detail=False, methods=["post"], permission_classes=[AllowAny], authentication_classes=[])
    def join(self, request: Request) -> Response:
        member = _link_guarded(request, services.join_link_accept, _valid(s.JoinSerializer, request.data))
        return Response(signed_in(member), status=status.HTTP_201_CREATED)
