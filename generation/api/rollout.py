"""Team roster, brand style and the caller's own headshot downloads, over the API."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError
from generation import services
from generation.models import BrandStyle, Engine
from generation.roster import STATUSES, RosterFilter, team_roster, team_status_counts
from teams.api.permissions import IsAdmin, IsHR, IsMember, MemberView
from teams.models import Role


class RosterRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["member", "invitation"])
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()
    department = serializers.CharField()
    role = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUSES)
    last_activity = serializers.DateTimeField(allow_null=True)
    delivery = serializers.CharField()


class RosterQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES, required=False, default="")
    department = serializers.CharField(required=False, default="", max_length=120)
    role = serializers.ChoiceField(choices=Role.choices, required=False, default="")
    search = serializers.CharField(required=False, default="", max_length=100)


class RosterPageSerializer(serializers.Serializer):
    """What GET /api/team/ answers: a page of rows, and the counts per status over the whole team."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RosterRowSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())


class RosterPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TeamView(MemberView, APIView):
    """Every member and open invitation with a status, paginated; ``counts`` covers the whole team."""

    permission_classes = [IsHR]

    @extend_schema(parameters=[RosterQuerySerializer], responses=RosterPageSerializer, tags=["team"])
    def get(self, request: Request) -> Response:
        query = RosterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = team_roster(actor=self.actor, filters=RosterFilter(**query.validated_data))
        paginator = RosterPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response(RosterRowSerializer(page, many=True).data)
        response.data["counts"] = team_status_counts(actor=self.actor)
        return response


class BrandStyleSerializer(serializers.ModelSerializer):
    class Meta:
        model = BrandStyle
        fields = [
            "id",
            "name",
            "version",
            "engine",
            "backdrop_color",
            "backdrop",
            "framing",
            "output_width",
            "output_height",
            "variant_count",
            "created_at",
        ]
        read_only_fields = fields


class BrandStyleEditSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    engine = serializers.ChoiceField(choices=Engine.choices, required=False)
    backdrop_color = serializers.RegexField(r"^#[0-9A-Fa-f]{6}$", required=False)
    backdrop = serializers.JSONField(required=False)
    framing = serializers.JSONField(required=False)
    output_width = serializers.IntegerField(required=False)
    output_height = serializers.IntegerField(required=False)
    variant_count = serializers.IntegerField(required=False)
    backdrop_image = serializers.FileField(required=False)
    rerender = serializers.BooleanField(required=False, default=False)
    own_photo = serializers.BooleanField(required=False, default=False)

    def validate_backdrop(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or value.get("kind", "solid") not in ("solid", "gradient", "image"):
            raise serializers.ValidationError("backdrop must be an object with kind solid, gradient or image.")
        value.pop("image_key", None)  # only an upload sets the stored image
        return value

    def validate_framing(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError("framing must be an object with eye_line and eye_distance.")
        return value


def _edit(request: Request) -> tuple[dict[str, Any], bytes | None, dict[str, Any]]:
    serializer = BrandStyleEditSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    upload = data.pop("backdrop_image", None)
    flags = {"rerender": data.pop("rerender"), "own_photo": data.pop("own_photo")}
    return data, (upload.read() if upload else None), flags


class BrandStyleView(MemberView, APIView):
    """The current brand style; PATCH saves a new version (admins)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self) -> list[Any]:
        return [IsMember()] if self.request.method == "GET" else [IsAdmin()]

    @extend_schema(responses=BrandStyleSerializer, tags=["brand style"])
    def get(self, request: Request) -> Response:
        style = get_object_or_404(BrandStyle, organization=self.actor.organization, is_current=True)
        return Response(BrandStyleSerializer(style).data)

    @extend_schema(request=BrandStyleEditSerializer, responses=BrandStyleSerializer, tags=["brand style"])
    def patch(self, request: Request) -> Response:
        changes, image, flags = _edit(request)
        style = services.brand_style_save(actor=self.actor, changes=changes, backdrop_image=image)
        body = BrandStyleSerializer(style).data
        if flags["rerender"]:
            result = services.brand_style_rerender_approved(actor=self.actor, style=style)
            body["rerender"] = {"queued": result.queued, "skipped": result.skipped}
        return Response(body)


class BrandStylePreviewView(MemberView, APIView):
    """Render the edited style on the sample portrait (or the admin's own photo) without saving."""

    permission_classes = [IsAdmin]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=BrandStyleEditSerializer,
        responses=inline_serializer(
            "BrandStylePreview",
            {"image": serializers.CharField(), "width": serializers.IntegerField(), "notes": serializers.ListField()},
        ),
        tags=["brand style"],
    )
    def post(self, request: Request) -> Response:
        changes, image, flags = _edit(request)
        preview = services.brand_style_preview(
            actor=self.actor, changes=changes, backdrop_image=image, own_photo=flags["own_photo"]
        )
        return Response(
            {
                "image": "data:image/jpeg;base64," + base64.b64encode(preview.jpeg).decode(),
                "width": preview.width,
                "height": preview.height,
                "notes": preview.notes,
            }
        )


class HeadshotSizeSerializer(serializers.Serializer):
    name = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.URLField()


class MyHeadshotSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    sizes = HeadshotSizeSerializer(many=True)
    zip = serializers.URLField()


class MyHeadshotView(MemberView, APIView):
    """The caller's approved headshot: a download link per platform size and for the zip."""

    permission_classes = [IsMember]

    @extend_schema(tags=["headshots"], responses=MyHeadshotSerializer)
    def get(self, request: Request) -> Response:
        try:
            headshot = services.headshot_approved_of(actor=self.actor)
        except ApplicationError as exc:
            raise NotFound(exc.message) from None
        base = request.build_absolute_uri("/api/me/headshot/")
        sizes = [{"name": "original", "width": headshot.width, "height": headshot.height, "url": base + "original/"}]
        available = services.headshot_sizes(headshot).items()
        sizes += [{"name": n, "width": w, "height": h, "url": f"{base}{n}/"} for n, (w, h) in available]
        return Response({"id": str(headshot.id), "sizes": sizes, "zip": base + "zip/"})


class MyHeadshotFileView(MemberView, APIView):
    permission_classes = [IsMember]

    @extend_schema(
        tags=["headshots"],
        operation_id="me_headshot_file",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, (200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, platform: str) -> HttpResponse:
        try:
            if platform == "zip":
                download = services.headshot_download_zip(actor=self.actor)
            else:
                download = services.headshot_download(actor=self.actor, platform=platform)
        except ApplicationError as exc:
            raise NotFound(exc.message) from None
        response = HttpResponse(download.data, content_type=download.content_type)
        response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
        return response
