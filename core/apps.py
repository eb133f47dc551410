from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: errors, the audit recorder, media storage."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
