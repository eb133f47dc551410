from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from core.audit import audit_writer_install

        from .bucket import check_media_bucket
        from .services.audit import audit_event_write

        audit_writer_install(audit_event_write)
        checks.register(check_media_bucket)
