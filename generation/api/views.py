"""Selfies, jobs, headshots and exports. Every queryset starts from the caller's organisation."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ApplicationError
from generation import selectors, services
from generation.models import Export, GenerationJob, Headshot, ReviewState, Selfie
from teams.api.permissions import IsHR, IsMember, MemberView
from teams.api.views import UUID_PATTERN

from . import serializers as s


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApplicationError(f"{name} must be a UUID.", code="bad_filter") from None


def _link(url: str) -> dict:
    return s.MediaLinkSerializer({"url": url, "expires_in": settings.MEDIA_URL_EXPIRY_SECONDS}).data


@extend_schema(tags=["selfies"])
class SelfieViewSet(
    MemberView, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The caller's own selfies. Nobody sees anyone else's here."""

    queryset = Selfie.objects.none()  # for the schema; requests use get_queryset
    serializer_class = s.SelfieSerializer
    permission_classes = [IsMember]
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Selfie]:
        return selectors.selfies_of(actor=self.actor)

    @extend_schema(request=s.SelfieUploadSerializer, responses={201: s.SelfieSerializer})
    def create(self, request: Request) -> Response:
        upload = s.SelfieUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        selfie = services.selfie_upload(actor=self.actor, data=upload.validated_data["image"].read())
        return Response(s.SelfieSerializer(selfie).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.SelfieDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        selfie = self.get_object()
        selfie.image_url = services.selfie_view_url(actor=self.actor, selfie=selfie)
        return Response(s.SelfieDetailSerializer(selfie).data)

    def perform_destroy(self, selfie: Selfie) -> None:
        services.selfie_delete(actor=self.actor, selfie=selfie)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The same key twice returns the first job instead of making a second one.",
)


@extend_schema(tags=["jobs"])
class JobViewSet(MemberView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Render jobs: an employee sees their own, HR sees the organisation's."""

    queryset = GenerationJob.objects.none()
    serializer_class = s.JobSerializer
    permission_classes = [IsMember]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[GenerationJob]:
        return selectors.jobs_visible_to(actor=self.actor).prefetch_related("headshots")

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.JobSerializer, 200: OpenApiResponse(s.JobSerializer, "the job this key already made")},
    )
    def create(self, request: Request) -> Response:
        actor = self.actor
        key = request.headers.get("Idempotency-Key", "").strip()[:100]
        replay = bool(key) and actor.jobs.filter(idempotency_key=key).exists()
        job = services.job_enqueue(actor=actor, idempotency_key=key)
        job = self.get_queryset().get(pk=job.pk)
        return Response(self.get_serializer(job).data, status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.JobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        job = services.job_retry(actor=self.actor, job=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(request=None, responses=s.JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Stop a queued or running job (one that is not progressing, say); retry it later."""
        job = services.job_cancel(actor=self.actor, job=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data)


REVIEW_FILTERS = [
    OpenApiParameter("review_state", OpenApiTypes.STR, enum=ReviewState.values),
    OpenApiParameter("chosen", OpenApiTypes.BOOL),
    OpenApiParameter("job", OpenApiTypes.UUID),
]


@extend_schema(tags=["headshots"])
class HeadshotViewSet(MemberView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An employee sees and chooses their own headshots; HR reviews the organisation's chosen ones."""

    queryset = Headshot.objects.none()
    serializer_class = s.HeadshotSerializer
    permission_classes = [IsMember]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Headshot]:
        qs = selectors.headshots_visible_to(actor=self.actor)
        if self.action == "choose":  # only your own, even for HR
            return qs.filter(member=self.actor)
        return qs if self.action != "list" else self._filtered(qs)

    def _filtered(self, qs: QuerySet[Headshot]) -> QuerySet[Headshot]:
        params = self.request.query_params
        state = params.get("review_state")
        if state and state not in ReviewState.values:
            raise ApplicationError(f"review_state must be one of {', '.join(ReviewState.values)}.", code="bad_filter")
        if state:
            qs = qs.filter(review_state=state)
        if params.get("chosen") in ("true", "false"):
            qs = qs.filter(chosen=params["chosen"] == "true")
        if params.get("job"):
            qs = qs.filter(job_id=_uuid(params["job"], "job"))
        return qs

    @extend_schema(parameters=REVIEW_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.HeadshotSerializer)
    @action(detail=True, methods=["post"])
    def choose(self, request: Request, pk: str | None = None) -> Response:
        headshot = services.headshot_choose(actor=self.actor, headshot=self.get_object())
        return Response(self.get_serializer(headshot).data)

    @extend_schema(request=None, responses=s.HeadshotSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsHR])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        headshot = services.headshot_approve(actor=self.actor, headshot=self.get_object())
        return Response(self.get_serializer(headshot).data)

    @extend_schema(request=s.RejectSerializer, responses=s.HeadshotSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsHR])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = s.RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        headshot = services.headshot_reject(
            actor=self.actor, headshot=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(headshot).data)

    @extend_schema(responses=s.MediaLinkSerializer)
    @action(detail=True, methods=["get"])
    def image(self, request: Request, pk: str | None = None) -> Response:
        return Response(_link(services.headshot_view_url(actor=self.actor, headshot=self.get_object())))


@extend_schema(tags=["exports"])
class ExportViewSet(MemberView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """HR exports the approved headshots (all, or one department) as a zip with a manifest."""

    queryset = Export.objects.none()
    serializer_class = s.ExportSerializer
    permission_classes = [IsHR]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Export]:
        return selectors.exports_of(actor=self.actor)

    @extend_schema(request=s.ExportCreateSerializer, responses={201: s.ExportSerializer})
    def create(self, request: Request) -> Response:
        body = s.ExportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        export = services.export_create(actor=self.actor, department=body.validated_data["department"])
        return Response(self.get_serializer(export).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={302: OpenApiResponse(description="Redirect to a link that works for a few minutes.")})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> HttpResponseRedirect:
        return HttpResponseRedirect(services.export_download_url(actor=self.actor, export=self.get_object()))
