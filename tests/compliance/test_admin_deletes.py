"""Deleting a selfie, a job or an export in the Django admin leaves no object behind (every version)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from compliance.models import AuditEvent
from generation import services as gen
from generation.models import Export, GenerationJob, Selfie

from .conftest import every_version, prefix_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789"))
    return client


def test_admin_deletes_of_a_selfie_a_job_and_an_export_leave_no_object(operator, hr, rendered):
    ada = rendered("Ada")
    chosen = gen.headshot_choose(actor=ada.member, headshot=ada.job.headshots.first())
    gen.headshot_approve(actor=hr, headshot=chosen)
    export = gen.export_create(actor=hr)
    export.refresh_from_db()
    selfie_key, export_key = ada.selfie.storage_key, export.storage_key
    job_keys = [h.storage_key for h in ada.job.headshots.all()]
    assert {selfie_key, *job_keys} <= set(every_version(prefix_of(ada.member)))
    assert every_version(f"orgs/{ada.member.organization_id}/exports/") == [export_key]

    for path in (
        f"/admin/generation/selfie/{ada.selfie.pk}/delete/",
        f"/admin/generation/generationjob/{ada.job.pk}/delete/",
        f"/admin/generation/export/{export.pk}/delete/",
    ):
        assert operator.post(path, {"post": "yes"}).status_code == 302, path

    assert not Selfie.objects.filter(pk=ada.selfie.pk).exists()
    assert not GenerationJob.objects.filter(pk=ada.job.pk).exists() and not Export.objects.exists()
    assert every_version(prefix_of(ada.member)) == []  # selfie and every headshot of the job
    assert every_version(f"orgs/{ada.member.organization_id}/exports/") == []
    assert AuditEvent.objects.filter(verb="admin.deleted").count() == 3


def test_the_bulk_delete_action_removes_the_files_too(operator, rendered):
    people = [rendered("Ada"), rendered("Grace")]
    response = operator.post(
        "/admin/generation/selfie/",
        {"action": "delete_selected", "_selected_action": [str(p.selfie.pk) for p in people], "post": "yes"},
    )
    assert response.status_code == 302
    for person in people:
        assert not any("/selfies/" in key for key in every_version(prefix_of(person.member)))
