"""Storage against the database: an object no row owns is found, deleted and reported."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from compliance.models import AuditEvent
from compliance.services.reconcile import storage_reconcile
from core import media as storage

from .conftest import every_version, prefix_of

pytestmark = pytest.mark.django_db(transaction=True)
LATER = timedelta(hours=2)  # past the age under which an object may still be an upload in flight


def test_a_planted_orphan_is_found_deleted_and_reported(rendered):
    ada = rendered("Ada")
    owned = every_version(prefix_of(ada.member))
    orphan = f"{prefix_of(ada.member)}selfies/left-behind.jpg"
    stray = "orgs/00000000-0000-0000-0000-000000000000/exports/gone.zip"  # an organisation long deleted
    storage.put(orphan, b"\xff\xd8 a face nobody owns", grant=_grant(ada.member))
    storage.put(stray, b"PK zip")

    young = storage_reconcile().orphans  # too young: could be an upload about to commit its row
    assert orphan not in young and stray not in young
    report = storage_reconcile(now=timezone.now() + LATER)

    # (Other tests' files whose rows were flushed are orphans too, and go the same way.)
    assert {orphan, stray} <= set(report.orphans)
    assert every_version(prefix_of(ada.member)) == owned  # the member's real files stay
    assert every_version("orgs/00000000-0000-0000-0000-000000000000/") == []
    event = AuditEvent.objects.get(verb="storage.reconciled")
    assert {orphan, stray} <= set(event.data["orphans"])
    assert storage_reconcile(now=timezone.now() + LATER).orphans == []  # idempotent


def test_the_command_can_list_without_deleting(rendered):
    ada = rendered("Ada")
    orphan = f"{prefix_of(ada.member)}jobs/unknown/variant-0.jpg"
    storage.put(orphan, b"jpeg")
    out = io.StringIO()
    call_command("reconcile_storage", dry_run=True, min_age_minutes=0, stdout=out)
    assert f"orphan: {orphan}" in out.getvalue() and orphan in every_version(prefix_of(ada.member))
    call_command("reconcile_storage", min_age_minutes=0, stdout=io.StringIO())
    assert orphan not in every_version(prefix_of(ada.member))


def _grant(member):
    from compliance.biometric import biometric_grant

    return biometric_grant(member=member)
