from typing import Any

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from compliance.personal_data import personal_data_register
        from teams.signals import organization_created
        from teams.views import home_section_register

        from . import checks  # noqa: F401  (registers the start-up checks)
        from .privacy import GenerationData, home_section

        personal_data_register(GenerationData())
        home_section_register(home_section)
        organization_created.connect(_default_style, dispatch_uid="generation.default_style")


def _default_style(sender: Any, *, organization: Any, admin: Any, **kwargs: Any) -> None:
    from .services import brand_style_create_default

    brand_style_create_default(organization=organization, actor=admin)
