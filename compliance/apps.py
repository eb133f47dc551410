from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.audit import audit_writer_install

        from .services.audit import audit_event_write

        audit_writer_install(audit_event_write)
