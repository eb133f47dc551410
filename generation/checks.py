"""Start-up checks: a process that will need the pinned models refuses to start without them."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from .imaging.models_fetch import PINNED, ModelFetchError, model_path


@register("models", deploy=False)
def pinned_models_present(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for model in PINNED:
        try:
            model_path(model)
        except ModelFetchError as exc:
            errors.append(Error(str(exc), hint="python manage.py fetch_models", id="generation.E001"))
    return errors
