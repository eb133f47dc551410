"""Many approved headshots, quickly: synthetic masters stored where a render would put them,
then chosen and approved through the services (approval makes the platform sizes)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from core import media
from generation import keys, services
from generation.models import BrandStyle, GenerationJob, Headshot, JobStatus
from teams.models import Membership
from tests import factories


def synthetic_master(seed: int, *, size: int = 256, noise: bool = False) -> bytes:
    """A JPEG master; with ``noise`` it barely compresses (about 1 MB at 1024 px)."""
    rng = np.random.default_rng(seed)
    if noise:
        pixels = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
    else:
        pixels = np.full((size, size, 3), rng.integers(0, 256, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=92)
    return out.getvalue()


def rendered_headshot(member: Membership, master: bytes) -> Headshot:
    """A finished job with one output, as the worker leaves it (without the render)."""
    style = BrandStyle.objects.get(organization=member.organization, is_current=True)
    job = GenerationJob.objects.create(
        organization=member.organization,
        member=member,
        style=style,
        engine=style.engine,
        idempotency_key="synthetic",
        status=JobStatus.SUCCEEDED,
    )
    key = keys.headshot_key(organization_id=member.organization_id, member_id=member.id, job_id=job.id, variant_index=0)
    media.put(key, master)
    width, height = Image.open(io.BytesIO(master)).size
    return Headshot.objects.create(
        organization=member.organization,
        member=member,
        job=job,
        variant_index=0,
        storage_key=key,
        width=width,
        height=height,
    )


def approved_team(
    admin: Membership, hr: Membership, count: int, on_commit, *, size: int = 256, noise: bool = False
) -> list[Headshot]:
    approved = []
    for n in range(count):
        member = factories.member(admin=admin, first_name=f"Member{n:03d}")
        headshot = rendered_headshot(member, synthetic_master(n, size=size, noise=noise))
        headshot = services.headshot_choose(actor=member, headshot=headshot)
        with on_commit(execute=True):
            approved.append(services.headshot_approve(actor=hr, headshot=headshot))
    return approved
