"""HR's review queue: approve, or reject with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compliance.models import AuditEvent
from generation import services
from generation.models import ReviewState
from tests import factories
from tests.page_helpers import browser, rendered_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(admin, consented):
    job = rendered_job(consented, admin=admin)
    return services.headshot_choose(actor=consented, headshot=job.headshots.first())


def _state(headshot):
    headshot.refresh_from_db()
    return headshot.review_state


def test_hr_sees_the_chosen_headshot_in_the_queue_and_approves_it(hr, chosen):
    page = browser(hr)
    response = page.get(reverse("generation:review"))
    assert response.status_code == 200
    assert chosen.member.display_name.encode() in response.content and b"<img" in response.content
    response = page.post(reverse("generation:review-approve", args=[chosen.id]), follow=True)
    assert "Approved the headshot" in response.content.decode()
    assert _state(chosen) == ReviewState.APPROVED
    assert b"Nothing waits for review" in page.get(reverse("generation:review")).content


def test_hr_rejects_with_a_reason(hr, chosen):
    browser(hr).post(reverse("generation:review-reject", args=[chosen.id]), {"reason": "Too dark"})
    chosen.refresh_from_db()
    assert (chosen.review_state, chosen.rejection_reason) == (ReviewState.REJECTED, "Too dark")
    assert AuditEvent.objects.filter(verb="headshot.rejected", target_id=str(chosen.id)).exists()


def test_a_rejection_without_a_reason_is_refused(hr, chosen):
    response = browser(hr).post(reverse("generation:review-reject", args=[chosen.id]), {"reason": "  "}, follow=True)
    assert "Give the employee a reason" in response.content.decode()
    assert _state(chosen) == ReviewState.PENDING


def test_approving_twice_says_it_is_already_approved(hr, chosen):
    page = browser(hr)
    page.post(reverse("generation:review-approve", args=[chosen.id]))
    response = page.post(
        reverse("generation:review-reject", args=[chosen.id]), {"reason": "changed my mind"}, follow=True
    )
    assert "already approved" in response.content.decode()
    assert _state(chosen) == ReviewState.APPROVED


@pytest.mark.parametrize("name, form", [("review", None), ("review-approve", {}), ("review-reject", {"reason": "x"})])
def test_an_employee_cannot_review(consented, chosen, name, form):
    page = browser(consented)
    if form is None:
        response = page.get(reverse(f"generation:{name}"))
    else:
        response = page.post(reverse(f"generation:{name}", args=[chosen.id]), form)
    assert response.status_code == 403
    assert _state(chosen) == ReviewState.PENDING


def test_another_organisations_hr_gets_404(chosen, outsider):
    other_hr = factories.member(admin=outsider, role="hr")
    page = browser(other_hr)
    assert chosen.member.display_name.encode() not in page.get(reverse("generation:review")).content
    assert page.post(reverse("generation:review-approve", args=[chosen.id])).status_code == 404
    assert page.post(reverse("generation:review-reject", args=[chosen.id]), {"reason": "x"}).status_code == 404
    assert _state(chosen) == ReviewState.PENDING
