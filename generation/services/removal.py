"""Deleting media rows from outside the member's own pages (the Django admin): the files go too.

Each row's storage objects are collected before the row is deleted, the rows
go in one transaction with an audit row each, and the objects are deleted
after commit (every version, on S3). An object whose delete fails is left to
the daily reconciliation, which deletes objects no row owns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model

from core import media
from core.audit import Verb, audit_event_record

from .. import keys
from ..models import Export, GenerationJob, Headshot, Selfie

log = logging.getLogger(__name__)


def _size_keys(headshot: Headshot) -> list[str]:
    """The platform sizes made at approval (generation.services.sizes)."""
    return [made["key"] for made in (headshot.sizes or {}).values()]


def media_keys_of(row: Model) -> list[str]:
    """Every storage object a row owns (a job owns its headshots' files)."""
    if isinstance(row, Selfie):
        cutout = keys.cutout_key(organization_id=row.organization_id, member_id=row.member_id, selfie_id=row.pk)
        return [row.storage_key, cutout]
    if isinstance(row, Headshot):
        return [row.storage_key, *_size_keys(row)]
    if isinstance(row, GenerationJob):
        return [key for h in row.headshots.all() for key in (h.storage_key, *_size_keys(h))]
    if isinstance(row, Export):
        return [row.storage_key or keys.export_key(organization_id=row.organization_id, export_id=row.pk)]
    return []


def _delete_objects(object_keys: list[str]) -> None:
    for key in object_keys:
        try:
            media.delete(key)
        except Exception:  # the reconciliation finds it again
            log.exception("could not delete %s", key)


def media_rows_delete(*, rows: Iterable[Model], requested_by: str) -> int:
    """Delete the rows and, after commit, their storage objects. Returns how many rows went."""
    doomed: list[str] = []
    count = 0
    with transaction.atomic():
        for row in rows:
            doomed += media_keys_of(row)
            audit_event_record(
                actor=None,
                organization=getattr(row, "organization", None),
                verb=Verb.ADMIN_DELETED,
                target=row,
                data={"requested_by": requested_by[:120]},
            )
            row.delete()
            count += 1
        transaction.on_commit(lambda: _delete_objects(doomed))
    return count
