"""Small helpers the API tests share: uploads, rendered jobs, stored keys."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core import media
from generation import services
from generation.models import GenerationJob, Headshot
from teams.models import Membership
from tests import factories


def upload(client, data: bytes, name: str = "selfie.png", content_type: str = "image/png"):
    return client.post(
        "/api/selfies/", {"image": SimpleUploadedFile(name, data, content_type=content_type)}, format="multipart"
    )


def stored_keys(member: Membership) -> list[str]:
    prefix = media.member_prefix(organization_id=member.organization_id, member_id=member.id)
    return media.list_prefix(prefix)


def image_bytes(fmt: str, size=(64, 64), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, fmt)
    return buffer.getvalue()


def rendered_job(member: Membership, on_commit, *, key: str = "k1") -> GenerationJob:
    """Consent, one usable selfie and a finished job, through the services."""
    factories.consent(member)
    with on_commit(execute=True):
        factories.selfie(actor=member, data=factories.astronaut_png())
        job = services.job_enqueue(actor=member, idempotency_key=key)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def chosen_headshot(member: Membership, on_commit) -> Headshot:
    job = rendered_job(member, on_commit)
    return services.headshot_choose(actor=member, headshot=job.headshots.order_by("variant_index").first())


def query_count(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)
