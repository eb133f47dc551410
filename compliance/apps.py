from typing import Any

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from core.audit import audit_writer_install
        from teams.signals import membership_ended
        from teams.views import home_section_register

        from .bucket import check_media_bucket
        from .personal_data import personal_data_register
        from .privacy import ComplianceData, home_section
        from .services.audit import audit_event_write

        audit_writer_install(audit_event_write)
        checks.register(check_media_bucket)
        personal_data_register(ComplianceData())
        home_section_register(home_section)
        membership_ended.connect(_offboarding_start, dispatch_uid="compliance.offboarding_start")


def _offboarding_start(sender: Any, *, member: Any, **kwargs: Any) -> None:
    from .services import offboarding_start

    offboarding_start(member=member)
