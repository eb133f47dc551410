"""The audit log is append-only: the ORM, the database and the admin all refuse changes."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.db import DatabaseError, connection, transaction

from compliance.models import AuditEvent
from compliance.services import retention_policy_update
from core.audit import Verb, audit_event_record
from generation import services as gen
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(admin):
    return audit_event_record(
        actor=admin, organization=admin.organization, verb=Verb.MEMBERSHIP_DEACTIVATED, target=admin
    )


def test_the_orm_refuses_to_change_or_delete_audit_rows(event):
    event.verb = "test.rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_update([event], ["verb"])
    assert AuditEvent.objects.get(pk=event.pk).verb == Verb.MEMBERSHIP_DEACTIVATED


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is Postgres only")
def test_the_database_refuses_update_and_delete_even_in_raw_sql(event):
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET verb = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).verb == Verb.MEMBERSHIP_DEACTIVATED


def test_the_admin_shows_the_audit_log_read_only(event, rf):
    model_admin = django_admin.site._registry.get(AuditEvent)
    if model_admin is None:
        pytest.skip("AuditEvent is registered in the admin by the pages branch; enable at merge")
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789")
    request = rf.get("/admin/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_admin_urls_cannot_change_or_delete_an_audit_row(event, client):
    if AuditEvent not in django_admin.site._registry:
        pytest.skip("AuditEvent is registered in the admin by the pages branch; enable at merge")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789"))
    base = f"/admin/compliance/auditevent/{event.pk}"
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}/change/", {"verb": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).verb == Verb.MEMBERSHIP_DEACTIVATED


@pytest.mark.django_db(transaction=True)
def test_the_things_that_matter_leave_an_audit_row(admin, hr, astronaut_png):
    person = factories.consent(factories.member(admin=admin))
    selfie = factories.selfie(actor=person, data=astronaut_png)
    gen.selfie_view_url(actor=hr, selfie=selfie)
    job = gen.job_enqueue(actor=person, idempotency_key="one")
    headshot = gen.headshot_choose(actor=person, headshot=job.headshots.first())
    gen.headshot_approve(actor=hr, headshot=headshot)
    export = gen.export_create(actor=hr)
    export.refresh_from_db()
    gen.export_download_url(actor=hr, export=export)
    retention_policy_update(actor=admin, changes={"export_days": 7})
    from compliance.services import consent_withdraw

    consent_withdraw(member=person)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "invitation.created",
        "invitation.accepted",
        "consent.granted",
        "selfie.uploaded",
        "selfie.viewed",
        "job.created",
        "job.succeeded",
        "headshot.chosen",
        "headshot.approved",
        "export.created",
        "export.built",
        "export.downloaded",
        "retention_policy.updated",
        "consent.withdrawn",
        "member.erasure_requested",
        "member.erased",
    } <= verbs
    assert AuditEvent.objects.filter(verb="selfie.viewed", subject_member_id=person.id, actor_member_id=hr.id).exists()


def test_receipts_are_in_the_admin_read_only(rendered_receipt, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789"))
    url = f"/admin/compliance/deletionreceipt/{rendered_receipt.pk}"
    page = client.get(f"{url}/change/")
    assert page.status_code == 200 and str(rendered_receipt.member_id) in page.content.decode()
    assert client.post(f"{url}/change/", {"reason": "request"}).status_code == 403
    assert client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/compliance/sweeprun/").status_code == 200


@pytest.fixture
def rendered_receipt(employee):
    from compliance.services import consent_withdraw

    return consent_withdraw(member=factories.consent(employee))
