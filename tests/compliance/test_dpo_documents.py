"""What a DPO asks for: the Art. 30 record, a DPIA draft, and a breach log."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from compliance.models import AuditEvent, BreachRecord
from compliance.services import retention_policy_update
from compliance.services.breaches import breach_record
from core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_the_record_of_processing_is_generated_from_the_settings(admin, client):
    retention_policy_update(actor=admin, changes={"export_days": 5, "privacy_contact": "dpo@acme.example"})
    client.force_login(admin.user)
    response = client.get("/privacy/records/record.md")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    for heading in ("## Controller", "## Purpose", "## Categories of personal data", "## Recipients and processors"):
        assert heading in text
    assert "dpo@acme.example" in text and "5 days after they are built" in text and "Biometric data" in text


def test_the_dpia_draft_and_the_command(admin):
    out = io.StringIO()
    call_command("privacy_records", org=admin.organization.slug, kind="dpia", stdout=out)
    assert "# DPIA (draft)" in out.getvalue() and "## Risks to the members and measures" in out.getvalue()


def test_only_admins_get_the_documents(hr, client, outsider):
    client.force_login(hr.user)
    assert client.get("/privacy/records/record.md").status_code == 403
    client.force_login(outsider.user)
    assert admin_slug_absent(client.get("/privacy/records/dpia.md").content.decode(), "Acme")


def admin_slug_absent(text: str, name: str) -> bool:
    return name not in text


def test_a_breach_is_logged_with_an_audit_row(admin):
    record = breach_record(
        organization=admin.organization,
        discovered_at=timezone.now(),
        recorded_by="dpo",
        description="An export link was forwarded outside the company.",
        data_categories="headshots, names",
        members_affected=3,
        not_notified_because="Link expired after 5 minutes; no access logged.",
    )
    assert BreachRecord.objects.get(pk=record.pk).members_affected == 3
    assert AuditEvent.objects.filter(verb="breach.recorded", target_id=str(record.pk)).exists()
    with pytest.raises(ApplicationError):
        breach_record(organization=admin.organization, discovered_at=timezone.now(), recorded_by="x", description=" ")
