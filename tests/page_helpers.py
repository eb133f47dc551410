"""Small helpers for the page tests: a signed-in browser and a finished job."""

from __future__ import annotations

from django.test import Client

from generation import services
from generation.models import GenerationJob
from teams.models import Membership
from tests import factories


def browser(member: Membership | None = None, **kwargs) -> Client:
    client = Client(**kwargs)
    if member is not None:
        client.force_login(member.user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def rendered_job(member: Membership, *, admin: Membership, variants: int = 2) -> GenerationJob:
    """Consent, upload the astronaut and render a small job through the real services."""
    if member.organization.styles.get(is_current=True).variant_count != variants:
        services.brand_style_update(actor=admin, changes={"variant_count": variants})
    factories.consent(member)
    factories.selfie(actor=member, data=factories.astronaut_png())
    job = services.job_enqueue(actor=member, idempotency_key="pages")
    services.job_run(job_id=job.id)  # the on-commit enqueue does not fire inside a test transaction
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def approved_headshot(member: Membership, *, admin: Membership, hr: Membership):
    job = rendered_job(member, admin=admin)
    chosen = services.headshot_choose(actor=member, headshot=job.headshots.first())
    return services.headshot_approve(actor=hr, headshot=chosen)
