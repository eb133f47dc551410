"""Requesting a job, following its progress, and choosing a favourite."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation import services
from generation.models import GenerationJob, Headshot, JobStatus
from tests import factories
from tests.page_helpers import browser, rendered_job

pytestmark = pytest.mark.django_db


def test_requesting_a_job_twice_with_the_same_form_makes_one_job(consented, astronaut_png):
    factories.selfie(actor=consented, data=astronaut_png)
    page = browser(consented)
    key = page.get(reverse("generation:selfies")).context["job_key"]
    first = page.post(reverse("generation:job-request"), {"idempotency_key": key})
    second = page.post(reverse("generation:job-request"), {"idempotency_key": key})
    job = GenerationJob.objects.get(member=consented)
    assert first["Location"] == second["Location"] == reverse("generation:job-detail", args=[job.id])


def test_a_running_job_shows_a_progress_bar_that_polls_a_fragment(consented, astronaut_png):
    factories.selfie(actor=consented, data=astronaut_png)
    job = services.job_enqueue(actor=consented, idempotency_key="k")
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress_step=1, progress_total=4)
    page = browser(consented)
    response = page.get(reverse("generation:job-detail", args=[job.id]))
    assert b"step 1 of 4" in response.content and b'http-equiv="refresh"' not in response.content
    assert b'role="progressbar"' in response.content and b'aria-valuenow="25"' in response.content
    assert b"Rendering variant 2 of 4" in response.content and b'hx-trigger="every 1s"' in response.content
    fragment = page.get(reverse("generation:job-detail", args=[job.id]), headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b'aria-valuenow="25"' in fragment.content


def test_a_job_without_usable_selfies_is_refused(consented):
    response = browser(consented).post(reverse("generation:job-request"), {"idempotency_key": "x"}, follow=True)
    assert "passes the checklist first" in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_the_employee_chooses_a_favourite_from_the_finished_job(admin, consented):
    job = rendered_job(consented, admin=admin)
    page = browser(consented)
    response = page.get(reverse("generation:job-detail", args=[job.id]))
    assert response.status_code == 200 and b'http-equiv="refresh"' not in response.content
    assert response.content.count(b"data-view data-full") == 2
    assert b'hx-trigger="every' not in response.content, "a finished job stops polling"
    favourite = job.headshots.last()
    response = page.post(reverse("generation:headshot-choose", args=[favourite.id]), follow=True)
    assert "HR will review it" in response.content.decode()
    assert list(Headshot.objects.filter(chosen=True)) == [favourite]


def test_the_employee_sees_hrs_rejection_reason(admin, hr, consented):
    job = rendered_job(consented, admin=admin)
    chosen = services.headshot_choose(actor=consented, headshot=job.headshots.first())
    services.headshot_reject(actor=hr, headshot=chosen, reason="Please smile a little")
    page = browser(consented)
    assert b"Please smile a little" in page.get(reverse("generation:job-detail", args=[job.id])).content
    assert b"Please smile a little" in page.get(reverse("teams:home")).content
    response = page.post(reverse("generation:headshot-choose", args=[chosen.id]), follow=True)
    assert "HR rejected this headshot" in response.content.decode()


def test_a_failed_job_shows_its_error_and_can_be_retried(consented, astronaut_png):
    factories.selfie(actor=consented, data=astronaut_png)
    job = services.job_enqueue(actor=consented, idempotency_key="k")
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Rendering failed: no face")
    page = browser(consented)
    shown = page.get(reverse("generation:job-detail", args=[job.id])).content
    assert b"Upload clear photos of yourself and try again" in shown
    assert b"Rendering failed" not in shown, "the engine's words stay in the job for staff"
    page.post(reverse("generation:job-retry", args=[job.id]))
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.error == ""
    response = page.post(reverse("generation:job-retry", args=[job.id]), follow=True)
    assert "Only a failed or cancelled job can be retried" in response.content.decode()


def test_another_employees_job_and_headshots_are_404(admin, consented):
    job = rendered_job(consented, admin=admin)
    colleague = factories.member(admin=admin)
    page = browser(colleague)
    assert page.get(reverse("generation:job-detail", args=[job.id])).status_code == 404
    assert page.post(reverse("generation:headshot-choose", args=[job.headshots.first().id])).status_code == 404
    assert page.post(reverse("generation:job-retry", args=[job.id])).status_code == 404
    assert not Headshot.objects.filter(chosen=True).exists()


def test_another_organisations_job_is_404_even_for_its_admin(admin, consented, outsider):
    job = rendered_job(consented, admin=admin)
    page = browser(outsider)
    assert page.get(reverse("generation:job-detail", args=[job.id])).status_code == 404
    assert page.post(reverse("generation:headshot-choose", args=[job.headshots.first().id])).status_code == 404


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        ("Rendering crashed: OSError: cannot load diffusion model; pass 'local_files_only=False'", "on our side"),
        ("No output passed the likeness and skin-tone checks in 3 attempts.", "looked enough like you"),
        ("Consent was withdrawn; nothing was rendered.", "Give consent again"),
    ],
)
def test_employees_read_failures_in_words_and_staff_see_the_engine_error(consented, astronaut_png, error, shown):
    factories.selfie(actor=consented, data=astronaut_png)
    job = services.job_enqueue(actor=consented, idempotency_key="k")
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=error)
    page = browser(consented)
    text = page.get(reverse("generation:job-detail", args=[job.id])).content.decode()
    assert shown in text and error.split(":")[0] not in text.split("</header>")[1]
    consented.user.is_staff = True
    consented.user.save(update_fields=["is_staff"])
    assert "Technical detail (staff only)" in page.get(reverse("generation:job-detail", args=[job.id])).content.decode()
