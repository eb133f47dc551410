from __future__ import annotations

from dataclasses import dataclass

import pytest

from core import media
from generation import services as gen
from generation.models import JobStatus
from teams.models import Membership
from tests import factories


def prefix_of(member: Membership) -> str:
    return media.member_prefix(organization_id=member.organization_id, member_id=member.id)


def stored(member: Membership) -> list[str]:
    return media.list_prefix(prefix_of(member))


@dataclass
class Rendered:
    member: Membership
    selfie: object
    job: object


@pytest.fixture
def small_style(admin):
    """Two variants instead of four: the same code paths, half the rendering time."""
    return gen.brand_style_update(actor=admin, changes={"variant_count": 2, "output_width": 512, "output_height": 512})


@pytest.fixture
def rendered(admin, small_style, astronaut_png):
    """A member with a usable selfie and a finished job, made through the real services."""

    def make(first_name: str = "Ada") -> Rendered:
        person = factories.consent(factories.member(admin=admin, first_name=first_name))
        selfie = factories.selfie(actor=person, data=astronaut_png)
        assert selfie.usable, selfie.checks
        job = gen.job_enqueue(actor=person, idempotency_key="first")
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        return Rendered(member=person, selfie=selfie, job=job)

    return make


def every_version(prefix: str) -> list[str]:
    """Every object under ``prefix``; on S3 every version and delete marker too, so "empty"
    means nothing an erasure left behind could be restored."""
    target = media.s3_target()
    if target is None:
        return media.list_prefix(prefix)
    from compliance.bucket import bucket_versions

    client, bucket = target
    return sorted(v["Key"] for v in bucket_versions(client=client, bucket=bucket, prefix=prefix))
