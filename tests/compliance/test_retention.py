"""Retention windows, checked with the clock moved (``now=``), never by sleeping."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from compliance.models import AuditEvent, DeletionReceipt, SweepRun
from compliance.services import retention_policy_update, retention_sweep
from core import media
from generation import services as gen
from generation.models import ExportStatus, Headshot, Selfie
from teams.services import membership_deactivate
from tests import factories

from .conftest import stored

pytestmark = pytest.mark.django_db(transaction=True)
DAY = timedelta(days=1)


@pytest.fixture
def policy(admin):
    def set_policy(**changes):
        return retention_policy_update(actor=admin, changes=changes)

    return set_policy


def test_selfies_go_n_days_after_the_last_job_and_not_a_day_early(rendered, policy):
    policy(selfie_days=30, unchosen_days=365)
    ada = rendered("Ada")
    finished = ada.job.finished_at

    early = retention_sweep(now=finished + 29 * DAY)
    assert early.deleted["selfies"] == 0 and Selfie.objects.filter(pk=ada.selfie.pk).exists()

    run = retention_sweep(now=finished + 30 * DAY + timedelta(minutes=1))
    assert run.deleted["selfies"] == 1 and not Selfie.objects.filter(pk=ada.selfie.pk).exists()
    assert not any("/selfies/" in key for key in stored(ada.member))
    assert Headshot.objects.filter(member=ada.member).count() == 2  # other windows untouched
    assert run.finished_at and run.errors == []


def test_a_selfie_nobody_ever_rendered_goes_at_the_bipa_ceiling(admin, astronaut_png, policy):

    person = factories.consent(factories.member(admin=admin))
    selfie = factories.selfie(actor=person, data=astronaut_png)
    assert retention_sweep(now=selfie.uploaded_at + 1094 * DAY).deleted["selfies"] == 0
    assert retention_sweep(now=selfie.uploaded_at + 1095 * DAY).deleted["selfies"] == 1
    assert stored(person) == []


def test_policy_zero_deletes_selfies_as_soon_as_rendering_succeeds(rendered, policy):
    policy(selfie_days=0)
    ada = rendered("Ada")
    assert not Selfie.objects.filter(member=ada.member).exists()
    assert not any("/selfies/" in key for key in stored(ada.member))
    assert Headshot.objects.filter(member=ada.member).count() == 2
    assert AuditEvent.objects.filter(verb="selfies.released", data__selfies=1).exists()


def test_unchosen_variants_go_after_m_days_and_the_chosen_one_stays(rendered, policy):
    policy(unchosen_days=10, selfie_days=365)
    ada = rendered("Ada")
    chosen = gen.headshot_choose(actor=ada.member, headshot=ada.job.headshots.first())
    made = chosen.created_at

    assert retention_sweep(now=made + 9 * DAY).deleted["unchosen_headshots"] == 0
    run = retention_sweep(now=made + 10 * DAY + timedelta(minutes=1))
    assert run.deleted["unchosen_headshots"] == 1
    assert list(Headshot.objects.filter(member=ada.member)) == [chosen]
    assert [k for k in stored(ada.member) if "/jobs/" in k] == [chosen.storage_key]


def test_exports_go_after_l_days(rendered, hr, policy):
    policy(export_days=14, unchosen_days=365, selfie_days=365)
    ada = rendered("Ada")
    headshot = gen.headshot_choose(actor=ada.member, headshot=ada.job.headshots.first())
    gen.headshot_approve(actor=hr, headshot=headshot)
    export = gen.export_create(actor=hr)
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED

    assert retention_sweep(now=export.finished_at + 13 * DAY).deleted["exports"] == 0
    assert retention_sweep(now=export.finished_at + 14 * DAY + timedelta(minutes=1)).deleted["exports"] == 1
    assert media.list_prefix(f"orgs/{export.organization_id}/exports/") == []


def test_an_approved_headshot_stays_until_the_membership_ends_plus_k_days(rendered, hr, admin, policy):
    policy(offboarding_days=30, unchosen_days=365, selfie_days=365)
    ada = rendered("Ada")
    headshot = gen.headshot_choose(actor=ada.member, headshot=ada.job.headshots.first())
    gen.headshot_approve(actor=hr, headshot=headshot)
    far_future = timezone.now() + 300 * DAY
    assert retention_sweep(now=far_future).deleted["offboarded_members"] == 0  # still employed

    member = membership_deactivate(actor=admin, member=ada.member)
    ended = member.deactivated_at
    assert retention_sweep(now=ended + 29 * DAY).deleted["offboarded_members"] == 0
    assert Headshot.objects.filter(pk=headshot.pk).exists()

    run = retention_sweep(now=ended + 30 * DAY + timedelta(minutes=1))
    assert run.deleted["offboarded_members"] == 1 and stored(ada.member) == []
    receipt = DeletionReceipt.objects.get(member_id=ada.member.id)
    assert receipt.reason == "offboarding" and receipt.verified_empty
    again = retention_sweep(now=ended + 31 * DAY)
    assert again.deleted["offboarded_members"] == 0 and DeletionReceipt.objects.count() == 1


def test_audit_rows_go_after_y_years_by_the_real_clock(admin, policy):
    policy(audit_years=2)
    now = timezone.now()
    for days in (800, 760, 732):
        AuditEvent.objects.create(organization=admin.organization, verb="test.old", at=now - days * DAY)
    AuditEvent.objects.create(organization=admin.organization, verb="test.young", at=now - 728 * DAY)
    young = AuditEvent.objects.filter(organization=admin.organization).exclude(verb="test.old").count()

    run = retention_sweep()
    assert run.deleted["audit_events"] == 3
    assert not AuditEvent.objects.filter(verb="test.old").exists()
    # A caller cannot move the clock forward to prune younger rows.
    assert retention_sweep(now=now + 3650 * DAY).deleted["audit_events"] == 0
    assert AuditEvent.objects.filter(organization=admin.organization).count() == young + 1  # + retention.swept


def test_a_second_sweep_finds_nothing_and_every_run_is_recorded(rendered, policy):
    policy(selfie_days=1, unchosen_days=1)
    ada = rendered("Ada")
    later = ada.job.finished_at + 2 * DAY
    first = retention_sweep(now=later)
    second = retention_sweep(now=later)
    assert first.deleted["selfies"] == 1 and first.deleted["unchosen_headshots"] == 2
    assert not any(second.deleted.values())
    assert SweepRun.objects.count() == 2 and all(r.finished_at for r in SweepRun.objects.all())


@contextmanager
def failing_delete(monkeypatch, doomed_key: str):
    """Make storage refuse to delete one object: at the S3 API on moto, else in the wrapper."""
    if isinstance(default_storage, FileSystemStorage):
        real = media.delete

        def flaky(key):
            if key == doomed_key:
                raise OSError("disk said no")
            real(key)

        monkeypatch.setattr(media, "delete", flaky)
        yield
        monkeypatch.setattr(media, "delete", real)
        return
    from botocore.exceptions import ClientError

    def refuse(params, **kwargs):
        keys = [params.get("Key")] + [o.get("Key") for o in params.get("Delete", {}).get("Objects", [])]
        if doomed_key in keys:
            raise ClientError(
                {
                    "Error": {"Code": "SlowDown", "Message": "injected"},
                    "ResponseMetadata": {"HTTPStatusCode": 503},
                },
                "DeleteObjects",
            )

    events = default_storage.connection.meta.client.meta.events
    for name in ("DeleteObject", "DeleteObjects"):
        events.register(f"before-parameter-build.s3.{name}", refuse)
    try:
        yield
    finally:
        for name in ("DeleteObject", "DeleteObjects"):
            events.unregister(f"before-parameter-build.s3.{name}", refuse)


def test_one_storage_error_does_not_stop_the_sweep_and_is_retried_next_run(rendered, policy, monkeypatch):
    policy(selfie_days=1, unchosen_days=365)
    ada, bob, cy = rendered("Ada"), rendered("Bob"), rendered("Cy")
    later = cy.job.finished_at + 2 * DAY
    with failing_delete(monkeypatch, bob.selfie.storage_key):
        run = retention_sweep(now=later)
    assert run.deleted["selfies"] == 2
    assert [e["id"] for e in run.errors] == [str(bob.selfie.pk)]
    assert not any("/selfies/" in k for k in stored(ada.member) + stored(cy.member))  # really gone
    assert [k for k in stored(bob.member) if "/selfies/" in k] == [bob.selfie.storage_key]
    assert Selfie.objects.filter(pk=bob.selfie.pk).exists()

    retry = retention_sweep(now=later)
    assert retry.deleted["selfies"] == 1 and retry.errors == []
    assert not Selfie.objects.exists() and not any("/selfies/" in k for k in stored(bob.member))


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need Postgres")
def test_two_sweeps_at_once_delete_each_thing_once(rendered, policy):
    policy(selfie_days=1, unchosen_days=1)
    members = [rendered(name) for name in ("Ada", "Bob", "Cy")]
    later = members[-1].job.finished_at + 2 * DAY
    runs, failures = [], []

    def sweep():
        try:
            runs.append(retention_sweep(now=later, batch_size=1))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sum(r.deleted["selfies"] for r in runs) == 3
    assert sum(r.deleted["unchosen_headshots"] for r in runs) == 6
    assert all(r.errors == [] for r in runs)
    assert not Selfie.objects.exists() and not Headshot.objects.exists()


def test_the_report_lists_what_the_next_sweep_deletes_and_deletes_nothing(rendered, admin, policy):
    policy(selfie_days=0, unchosen_days=365)
    ada = rendered("Ada")  # N = 0 already released the selfie; leave an unchosen variant to report
    policy(unchosen_days=0)
    out = io.StringIO()
    call_command("retention_report", "--org", admin.organization.slug, stdout=out)
    text = out.getvalue()
    assert f"{admin.organization.slug}: 2 item(s) due" in text
    assert "unchosen_headshot" in text and "not chosen, policy 0 days" in text
    assert Headshot.objects.filter(member=ada.member).count() == 2


def test_the_report_refuses_an_unknown_organisation(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("retention_report", "--org", "nope")


def test_the_sweep_is_on_the_beat_schedule():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["retention-sweep"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_ending_a_membership_cancels_its_jobs_at_once(rendered, admin, small_style):
    from generation.models import GenerationJob, JobStatus

    ada = rendered("Ada")
    queued = GenerationJob.objects.create(
        organization=ada.member.organization,
        member=ada.member,
        style=small_style,
        engine=small_style.engine,
        idempotency_key="queued",
    )
    membership_deactivate(actor=admin, member=ada.member)
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED
    assert stored(ada.member)  # the grace period has not run out yet


def test_a_grace_period_of_zero_erases_right_after_the_membership_ends(rendered, admin, policy):
    policy(offboarding_days=0)
    ada = rendered("Ada")
    membership_deactivate(actor=admin, member=ada.member)
    assert stored(ada.member) == []
    receipt = DeletionReceipt.objects.get(member_id=ada.member.id)
    assert receipt.reason == "offboarding" and receipt.verified_empty
