"""HR's exports: the whole organisation or one department, downloaded through a short-lived link."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from compliance.models import AuditEvent
from core import media
from generation import services
from generation.models import Export, ExportStatus
from tests import factories
from tests.page_helpers import approved_headshot, browser

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(admin, hr, consented):
    return approved_headshot(consented, admin=admin, hr=hr)


def _build_all():
    for export in Export.objects.filter(status=ExportStatus.QUEUED):
        services.export_build(export_id=export.id)  # the on-commit task does not fire in a test transaction


def test_hr_exports_one_department_and_downloads_it(hr, approved):
    page = browser(hr)
    listing = page.get(reverse("generation:exports"))
    assert list(listing.context["departments"]) == ["Engineering", "People"]
    response = page.post(reverse("generation:exports"), {"department": "Engineering"}, follow=True)
    assert "The export is being built" in response.content.decode()
    _build_all()
    export = Export.objects.get()
    assert export.department == "Engineering" and export.status == ExportStatus.SUCCEEDED
    assert (
        reverse("generation:export-download", args=[export.id]).encode()
        in page.get(reverse("generation:exports")).content
    )
    download = page.get(reverse("generation:export-download", args=[export.id]))
    assert download.status_code == 302
    assert AuditEvent.objects.filter(verb="export.downloaded", target_id=str(export.id)).exists()
    archive = zipfile.ZipFile(io.BytesIO(media.get(export.storage_key)))
    assert "manifest.csv" in archive.namelist()


def test_exporting_a_department_without_approved_headshots_says_so(hr, approved):
    response = browser(hr).post(reverse("generation:exports"), {"department": "People"}, follow=True)
    assert "no approved headshots in People" in response.content.decode()
    assert not Export.objects.exists()


def test_an_unfinished_export_cannot_be_downloaded(hr, approved):
    export = services.export_create(actor=hr)
    response = browser(hr).get(reverse("generation:export-download", args=[export.id]), follow=True)
    assert "not ready" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="export.downloaded").exists()


def test_an_employee_cannot_export_or_download(hr, approved, consented):
    export = services.export_create(actor=hr)
    page = browser(consented)
    assert page.get(reverse("generation:exports")).status_code == 403
    assert page.post(reverse("generation:exports"), {"department": ""}).status_code == 403
    assert page.get(reverse("generation:export-download", args=[export.id])).status_code == 403
    assert Export.objects.count() == 1


def test_another_organisations_export_is_404(hr, approved, outsider):
    export = services.export_create(actor=hr)
    _build_all()
    page = browser(factories.member(admin=outsider, role="hr"))
    assert page.get(reverse("generation:export-download", args=[export.id])).status_code == 404
    assert str(export.id).encode() not in page.get(reverse("generation:exports")).content


def test_a_department_name_too_long_is_refused_and_exports_nothing(hr):
    response = browser(hr).post(reverse("generation:exports"), {"department": "x" * 500}, follow=True)
    assert b"at most 120 characters" in response.content
    assert not Export.objects.exists()
