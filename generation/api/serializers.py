"""Shapes of the generation API. Validation of meaning lives in generation.services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from rest_framework import serializers

from core.exceptions import ApplicationError
from generation.imaging.checks import failed_first
from generation.models import Export, GenerationJob, Headshot, Selfie


class SelfieUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="A JPEG, PNG, WebP or HEIC photo, at most 20 MB and 50 megapixels.")

    def validate_image(self, upload: UploadedFile) -> UploadedFile:
        # Refuse a huge upload before reading it into memory; the service checks the bytes again.
        if (upload.size or 0) > settings.SELFIE_MAX_BYTES:
            limit = settings.SELFIE_MAX_BYTES // (1024 * 1024)
            raise ApplicationError(
                f"The file is {(upload.size or 0) / 1048576:.1f} MB; the limit is {limit} MB.", code="too_large"
            )
        return upload


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    value = serializers.JSONField()
    message = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    checks = CheckSerializer(many=True, help_text="Failed checks first: what to fix, then what passed.")

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        data["checks"] = failed_first(data["checks"])  # reports stored before this order existed too
        return data


class SelfieSerializer(serializers.ModelSerializer):
    checked = serializers.BooleanField(source="is_checked", read_only=True, help_text="False while the checklist runs.")
    checks = ChecklistSerializer(source="checklist", read_only=True, allow_null=True)

    class Meta:
        model = Selfie
        fields = ["id", "uploaded_at", "width", "height", "original_format", "checked", "usable", "checks"]
        read_only_fields = fields


class SelfieDetailSerializer(SelfieSerializer):
    image_url = serializers.CharField(read_only=True, help_text="Works for a few minutes.")

    class Meta(SelfieSerializer.Meta):
        fields = [*SelfieSerializer.Meta.fields, "image_url"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    step = serializers.IntegerField(source="progress_step")
    total = serializers.IntegerField(source="progress_total")
    percent = serializers.SerializerMethodField()

    def get_percent(self, job: GenerationJob) -> int:
        return round(100 * job.progress_step / job.progress_total) if job.progress_total else 0


class JobSerializer(serializers.ModelSerializer):
    style_version = serializers.IntegerField(source="style.version", read_only=True)
    progress = ProgressSerializer(source="*", read_only=True)
    headshots = serializers.ManyRelatedField(child_relation=serializers.PrimaryKeyRelatedField(read_only=True))

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "member",
            "status",
            "engine",
            "style_version",
            "attempts",
            "error",
            "progress",
            "headshots",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class HeadshotSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.display_name", read_only=True)

    class Meta:
        model = Headshot
        fields = [
            "id",
            "job",
            "member",
            "member_name",
            "variant_index",
            "width",
            "height",
            "chosen",
            "chosen_at",
            "review_state",
            "reviewed_by",
            "reviewed_at",
            "rejection_reason",
            "created_at",
        ]
        read_only_fields = fields


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Shown to the employee.")


class MediaLinkSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the link keeps working.")


class ExportCreateSerializer(serializers.Serializer):
    department = serializers.CharField(
        max_length=120,
        required=False,
        default="",
        allow_blank=True,
        help_text="Only this department; leave empty for the whole organisation.",
    )


class ExportSerializer(serializers.ModelSerializer):
    requested_by = serializers.EmailField(source="requested_by.user.email", read_only=True, default=None)

    class Meta:
        model = Export
        fields = [
            "id",
            "department",
            "status",
            "headshot_count",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields
