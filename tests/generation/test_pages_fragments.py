"""The small fragments the pages poll or post to: upload results, job progress, exports, bulk approval."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from generation import services
from generation.models import ReviewState, Selfie
from tests import factories
from tests.page_helpers import browser, rendered_job

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_an_uploaded_photo_comes_back_as_its_card_and_its_checklist_arrives(
    consented, astronaut_png, django_capture_on_commit_callbacks
):
    photo = SimpleUploadedFile("me.png", astronaut_png, content_type="image/png")
    page = browser(consented)
    with django_capture_on_commit_callbacks() as checklist:
        response = page.post(reverse("generation:selfies"), {"photos": photo}, headers=HTMX)
    assert response.status_code == 200 and b"<html" not in response.content
    selfie = Selfie.objects.get(member=consented)
    # The upload answers at once: the card says the checklist is running and polls for it.
    assert f'id="selfie-{selfie.id}"'.encode() in response.content and "Checking…".encode() in response.content
    for task in checklist:  # the worker's part
        task()
    card = page.get(reverse("generation:selfie-card", args=[selfie.id]), headers=HTMX).content
    assert b"checks passed" in card and "Checking…".encode() not in card


def test_a_refused_photo_says_why_and_stores_nothing(consented):
    junk = SimpleUploadedFile("notes.jpg", b"this is not a photo", content_type="image/jpeg")
    response = browser(consented).post(reverse("generation:selfies"), {"photos": junk}, headers=HTMX)
    assert response.status_code == 200 and b'data-refused="true"' in response.content
    assert b"notes.jpg" in response.content and b"Not uploaded" in response.content
    assert not Selfie.objects.exists()


def test_an_upload_without_consent_is_refused_in_words(employee, astronaut_png):
    photo = SimpleUploadedFile("me.png", astronaut_png, content_type="image/png")
    response = browser(employee).post(reverse("generation:selfies"), {"photos": photo}, headers=HTMX)
    assert b'data-refused="true"' in response.content and not Selfie.objects.exists()


def test_unusable_selfies_are_listed_first_with_their_failed_check_first(consented, astronaut_png):
    factories.selfie(actor=consented, data=astronaut_png)
    dark = _dark_png()
    bad = factories.selfie(actor=consented, data=dark)
    page = browser(consented).get(reverse("generation:selfies"), headers=HTMX).content.decode()
    assert "<html" not in page
    assert page.index(f"selfie-{bad.id}") < page.index("Usable")
    assert page.index('class="fail"') < page.index("checks passed")


def _dark_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (900, 1100), (10, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def test_someone_elses_selfie_card_is_404(admin, consented, astronaut_png):
    selfie = factories.selfie(actor=consented, data=astronaut_png)
    colleague = factories.member(admin=admin)
    assert browser(colleague).get(reverse("generation:selfie-card", args=[selfie.id])).status_code == 404
    assert browser(consented).get(reverse("generation:selfie-card", args=[selfie.id])).status_code == 200


def test_the_exports_table_polls_only_while_an_export_is_being_built(admin, hr, consented):
    chosen = services.headshot_choose(actor=consented, headshot=rendered_job(consented, admin=admin).headshots.first())
    services.headshot_approve(actor=hr, headshot=chosen)
    page = browser(hr)
    assert b"hx-trigger" not in page.get(reverse("generation:exports"), headers=HTMX).content
    services.export_create(actor=hr)  # queued: the on-commit build does not run inside the test transaction
    fragment = page.get(reverse("generation:exports"), headers=HTMX)
    assert b"<html" not in fragment.content and b'hx-trigger="every 2s"' in fragment.content


@pytest.fixture
def two_chosen(admin, hr):
    heads = []
    for name in ("Ada", "Grace"):
        person = factories.consent(factories.member(admin=admin, first_name=name))
        job = rendered_job(person, admin=admin)
        heads.append(services.headshot_choose(actor=person, headshot=job.headshots.first()))
    return heads


def test_hr_approves_several_at_once(hr, two_chosen):
    ids = [str(h.id) for h in two_chosen]
    response = browser(hr).post(reverse("generation:review-bulk-approve"), {"headshots": ids}, follow=True)
    assert "Approved 2 headshots" in response.content.decode()
    assert {h.review_state for h in (_fresh(h) for h in two_chosen)} == {ReviewState.APPROVED}


def test_bulk_approval_without_a_choice_or_with_garbage_changes_nothing(hr, two_chosen):
    page = browser(hr)
    assert "Tick at least one" in page.post(reverse("generation:review-bulk-approve"), follow=True).content.decode()
    response = page.post(reverse("generation:review-bulk-approve"), {"headshots": ["not-a-uuid"]}, follow=True)
    assert response.status_code == 200 and "nothing was approved" in response.content.decode()
    assert {_fresh(h).review_state for h in two_chosen} == {ReviewState.PENDING}


def test_bulk_approval_of_another_organisations_headshots_changes_nothing(outsider, two_chosen):
    ids = [str(h.id) for h in two_chosen]
    response = browser(outsider).post(reverse("generation:review-bulk-approve"), {"headshots": ids}, follow=True)
    assert "no longer waiting for review" in response.content.decode()
    assert {_fresh(h).review_state for h in two_chosen} == {ReviewState.PENDING}


def test_an_employee_cannot_bulk_approve(two_chosen):
    employee = two_chosen[0].member
    response = browser(employee).post(reverse("generation:review-bulk-approve"), {"headshots": [str(two_chosen[0].id)]})
    assert response.status_code == 403 and _fresh(two_chosen[0]).review_state == ReviewState.PENDING


def _fresh(headshot):
    headshot.refresh_from_db()
    return headshot


def test_a_duplicate_shows_the_photo_it_duplicates_not_a_date(
    consented, astronaut_png, django_capture_on_commit_callbacks
):
    first = factories.selfie(actor=consented, data=astronaut_png)
    photo = SimpleUploadedFile("again.png", astronaut_png, content_type="image/png")
    page = browser(consented)
    with django_capture_on_commit_callbacks(execute=True):  # the checklist runs after the upload answers
        page.post(reverse("generation:selfies"), {"photos": photo}, headers=HTMX)
    again = Selfie.objects.exclude(pk=first.pk).get()
    card = page.get(reverse("generation:selfie-card", args=[again.id]), headers=HTMX).content.decode()
    assert "almost the same as" in card and 'class="named-photos"' in card
    assert f"Your photo uploaded {first.uploaded_at:%-d %b %Y %H:%M}" in card
