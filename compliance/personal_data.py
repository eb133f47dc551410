"""The personal-data registry: every app that keeps data about a member says how to stop
processing it, erase it, export it and find what is due for deletion.

Compliance owns the orchestration (locks, receipts, audit rows, the empty-prefix
proof, the sweep) and knows no other app's tables: each app implements
``PersonalData`` in its own module (``generation/privacy.py``) and registers it
in ``AppConfig.ready()``. The system check ``compliance.E001`` refuses to start
when a model with a foreign key to ``Membership`` (directly or through a chain)
is covered by no handler, so a new kind of face data cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.apps import apps
from django.core import checks
from django.db.models import Model, QuerySet

from teams.models import Membership, Organization

from .models import RetentionPolicy


@dataclass
class Erased:
    """What one handler's erase removed."""

    counts: dict[str, int]  # by kind, for the deletion receipt (no personal data)
    keys: list[str] = field(default_factory=list)  # storage objects compliance deletes after the rows
    failed: int = 0  # objects outside the member's prefix that could not be deleted yet


@dataclass
class Exported:
    """One handler's part of a data-subject export."""

    files: dict[str, bytes] = field(default_factory=dict)  # archive name -> content
    records: dict[str, Any] = field(default_factory=dict)  # "<name>" -> written as <name>.json
    retention: dict[str, Any] = field(default_factory=dict)  # merged into retention.json


@dataclass
class Due:
    """Rows a retention window has made due in one organisation."""

    category: str  # the plan's name for one row ("selfie")
    total: str  # the sweep's count name ("selfies")
    rows: QuerySet[Any]
    keys_of: Callable[[Any], list[str]]  # storage objects to delete before the row
    reason_of: Callable[[Any], str]  # why, for retention_report


class PersonalData(Protocol):
    """One app's data about members."""

    @property
    def models(self) -> tuple[type[Model], ...]:
        """The models this handler answers for (see the system check)."""

    def stop(self, *, member: Membership, reason: str) -> int:
        """Stop processing the member's data now (cancel work in flight); return how many stopped."""

    def erase(self, *, member: Membership) -> Erased:
        """Delete the member's rows (storage objects: return their keys, or delete those outside the prefix)."""

    def export(self, *, member: Membership) -> Exported:
        """Everything this app holds about the member, for their own download."""

    def due(self, *, organization: Organization, policy: RetentionPolicy, now: datetime) -> list[Due]:
        """What the organisation's retention policy makes due for deletion at ``now``."""

    def owned_keys(self) -> set[str]:
        """Every storage key this app's rows point at (storage reconciliation keeps these)."""


_handlers: list[PersonalData] = []


def personal_data_register(handler: PersonalData) -> None:
    """Call from AppConfig.ready(). Registering the same handler twice is a no-op."""
    if not any(type(existing) is type(handler) for existing in _handlers):
        _handlers.append(handler)


def personal_data_handlers() -> list[PersonalData]:
    return list(_handlers)


def _points_at_member(model: type[Model], seen: frozenset[type[Model]] = frozenset()) -> list[str] | None:
    """The foreign-key path from ``model`` to Membership, or None."""
    for fk in model._meta.concrete_fields:
        target = fk.related_model if fk.is_relation else None
        if not isinstance(target, type) or target in seen or target is model:
            continue
        if target is Membership:
            return [fk.name]
        rest = _points_at_member(target, seen | {model})
        if rest:
            return [fk.name, *rest]
    return None


def models_without_handler(models: Iterable[type[Model]] | None = None) -> list[tuple[type[Model], list[str]]]:
    covered = {model for handler in _handlers for model in handler.models}
    found = []
    for model in models if models is not None else apps.get_models():
        if model is Membership or model in covered or not model._meta.managed:
            continue
        path = _points_at_member(model)
        if path:
            found.append((model, path))
    return found


@checks.register(checks.Tags.models)
def personal_data_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"{model._meta.label} points at a member ({model.__name__}.{'.'.join(path)} -> Membership) "
            "but no personal-data handler covers it, so erasure, export and retention would miss it.",
            hint="Implement compliance.personal_data.PersonalData for it and register it in AppConfig.ready().",
            obj=model,
            id="compliance.E001",
        )
        for model, path in models_without_handler()
    ]
