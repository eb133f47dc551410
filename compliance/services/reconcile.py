"""Storage against the database: delete (and report) every object no row owns.

Erasure and the sweep work from rows, so an object whose row went some other
way (a crash between the two, an old admin delete, a bug) would be kept
forever and no receipt would notice. This job lists the whole media tree
(on S3: every version) and deletes:

- objects no row owns, once older than ``min_age`` (an upload writes its
  object just before its row commits);
- on S3, old versions of objects that are owned (an overwritten face is still
  a face).

The report names keys only: they hold pseudonymous ids, never names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.personal_data import personal_data_handlers
from core import media
from core.audit import Verb, audit_event_record

log = logging.getLogger(__name__)
ROOT = "orgs/"
MIN_AGE = timedelta(hours=1)


@dataclass
class Reconciliation:
    listed: int = 0
    owned: int = 0
    orphans: list[str] = field(default_factory=list)
    old_versions: int = 0
    too_young: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)


def _owned_keys() -> set[str]:
    """Every storage key a row points at, as each app's personal-data handler names them."""
    return {key for handler in personal_data_handlers() for key in handler.owned_keys()}


def _reconcile_files(report: Reconciliation, owned: set[str], cutoff: datetime, dry_run: bool) -> None:
    from django.core.files.storage import default_storage

    for key in media.list_prefix(ROOT):
        report.listed += 1
        if key in owned:
            report.owned += 1
        elif default_storage.get_modified_time(key) > cutoff:
            report.too_young += 1
        else:
            report.orphans.append(key)
            if not dry_run:
                try:
                    media.delete(key)
                    report.deleted += 1
                except Exception as exc:
                    report.errors.append(f"{key}: {exc}"[:300])


def _reconcile_s3(report: Reconciliation, owned: set[str], cutoff: datetime, dry_run: bool) -> None:
    from ..bucket import bucket_delete_versions, bucket_versions

    client, bucket = media.s3_target()  # type: ignore[misc]
    versions = bucket_versions(client=client, bucket=bucket, prefix=ROOT, latest=True)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for version in versions:
        by_key.setdefault(version["Key"], []).append(version)
    doomed: list[dict[str, Any]] = []
    for key, found in sorted(by_key.items()):
        report.listed += 1
        if key in owned:
            report.owned += 1
            old = [v for v in found if not v["IsLatest"]]
            report.old_versions += len(old)
            doomed += old
        elif max(v["LastModified"] for v in found) > cutoff:
            report.too_young += 1
        else:
            report.orphans.append(key)
            doomed += found
    if doomed and not dry_run:
        try:
            report.deleted = bucket_delete_versions(client=client, bucket=bucket, versions=doomed)
        except Exception as exc:
            report.errors.append(str(exc)[:300])


def storage_reconcile(
    *, dry_run: bool = False, min_age: timedelta = MIN_AGE, now: datetime | None = None
) -> Reconciliation:
    """List the media tree against the rows; delete what no row owns. Idempotent."""
    cutoff = (now or timezone.now()) - min_age
    report = Reconciliation()
    owned = _owned_keys()
    (_reconcile_s3 if media.s3_target() else _reconcile_files)(report, owned, cutoff, dry_run)
    if report.orphans:
        log.warning("storage reconciliation: %d object(s) no row owns", len(report.orphans))
    if not dry_run and (report.orphans or report.old_versions or report.errors):
        with transaction.atomic():
            audit_event_record(
                actor=None,
                organization=None,
                verb=Verb.STORAGE_RECONCILED,
                data={
                    "orphans": report.orphans[:1000],
                    "old_versions": report.old_versions,
                    "deleted": report.deleted,
                    "errors": report.errors[:100],
                },
            )
    return report
