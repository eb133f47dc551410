"""The whole flow through the services, on whichever backends the settings name."""

from __future__ import annotations

import io
import zipfile

import pytest

from core import media
from generation import services
from generation.models import ExportStatus, JobStatus, ReviewState
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_an_employee_gets_an_approved_headshot_into_the_team_export(admin, hr, astronaut_png):
    person = factories.consent(factories.member(admin=admin, first_name="Ada", last_name="Lovelace"))

    selfie = factories.selfie(actor=person, data=astronaut_png)
    assert selfie.usable, selfie.checks
    job = services.job_enqueue(actor=person, idempotency_key="first")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.headshots.count() == job.style.variant_count

    favourite = services.headshot_choose(actor=person, headshot=job.headshots.first())
    approved = services.headshot_approve(actor=hr, headshot=favourite)
    assert approved.review_state == ReviewState.APPROVED

    export = services.export_create(actor=hr)
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    archive = zipfile.ZipFile(io.BytesIO(media.get(export.storage_key)))
    assert "ada-lovelace.jpg" in archive.namelist()
    manifest = archive.read("manifest.csv").decode()
    assert "Ada Lovelace" in manifest and hr.user.email in manifest
