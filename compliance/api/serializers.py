from __future__ import annotations

from rest_framework import serializers

from compliance.models import ConsentRecord


class ConsentRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentRecord
        fields = ["id", "text_version", "text_sha256", "method", "granted_at", "withdrawn_at"]
        read_only_fields = fields


class ConsentStateSerializer(serializers.Serializer):
    version = serializers.CharField()
    sha256 = serializers.CharField(help_text="Send back with the version to prove which text was shown.")
    text = serializers.CharField()
    active = ConsentRecordSerializer(allow_null=True, help_text="Your consent to this version, if given.")


class ConsentGrantSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=64)
    sha256 = serializers.CharField(max_length=64)


class ConsentWithdrawnSerializer(serializers.Serializer):
    withdrawn = serializers.IntegerField(help_text="How many active consents were withdrawn.")
