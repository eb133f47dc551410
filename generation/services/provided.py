"""The alternative to face processing: a member who declines it uploads a finished photo.

The photo is only decoded safely, resized to the brand's output size and
re-encoded without metadata. No face is detected, no descriptor, hash or skin
colour is computed, and no consent to biometric processing is needed. It becomes
the member's chosen headshot, which HR reviews like any other.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError
from generation import keys
from teams.models import Membership

from ..imaging.io import ImageRejected, decode_upload, encode_jpeg
from ..models import PROVIDED_ENGINE, BrandStyle, GenerationJob, Headshot, JobStatus, ReviewState


def _fit(image: Image.Image, style: BrandStyle) -> Image.Image:
    """Crop to the brand's aspect ratio around the centre and resize; nothing else."""
    return ImageOps.fit(image, (style.output_width, style.output_height), Image.Resampling.LANCZOS)


def headshot_provide(*, actor: Membership, data: bytes) -> Headshot:
    """Store the member's own finished photo as their chosen headshot, pending HR review."""
    if not actor.active:
        raise ApplicationError("This membership has ended.", code="inactive")
    if Headshot.objects.filter(member=actor, chosen=True, review_state=ReviewState.APPROVED).exists():
        raise ApplicationError(
            "Your headshot is already approved. Ask HR if you want to change it.", code="already_approved"
        )
    try:
        decoded = decode_upload(data)
    except ImageRejected as exc:
        raise ApplicationError(exc.message, code=exc.code) from None
    style = BrandStyle.objects.get(organization=actor.organization, is_current=True)
    photo = _fit(decoded.image, style)
    job_id = uuid.uuid4()
    key = keys.headshot_key(organization_id=actor.organization_id, member_id=actor.pk, job_id=job_id, variant_index=0)
    media.put(key, encode_jpeg(photo))
    try:
        with transaction.atomic():
            now = timezone.now()
            job = GenerationJob.objects.create(
                id=job_id,
                organization=actor.organization,
                member=actor,
                style=style,
                engine=PROVIDED_ENGINE,
                status=JobStatus.SUCCEEDED,
                idempotency_key=f"provided-{job_id}",
                requested_by=actor,
                started_at=now,
                finished_at=now,
            )
            Headshot.objects.filter(member=actor, chosen=True).update(chosen=False, chosen_at=None)
            headshot = Headshot.objects.create(
                organization=actor.organization,
                member=actor,
                job=job,
                variant_index=0,
                storage_key=key,
                width=photo.width,
                height=photo.height,
                chosen=True,
                chosen_at=now,
            )
            audit_event_record(
                actor=actor, organization=actor.organization, verb=Verb.HEADSHOT_PROVIDED, target=headshot
            )
    except Exception:
        media.delete(key)  # no orphan file when the rows are not written
        raise
    return headshot
