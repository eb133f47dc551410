"""The generation app's pages, one module per subject. Every query starts from the actor's
organisation (generation.selectors); every write goes through generation.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.exceptions import ApplicationError


def url_or_none(make_url: Callable[..., str], **kwargs: Any) -> str | None:
    """A media link, or None where the service refuses to give one (no grant, no file)."""
    try:
        return make_url(**kwargs)
    except ApplicationError:
        return None
