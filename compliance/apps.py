from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from . import admin_retention  # noqa: F401  (registers the retention/erasure admin)
        from .bucket import check_media_bucket

        checks.register(check_media_bucket)
