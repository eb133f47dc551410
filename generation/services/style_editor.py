"""The admin's brand-style editor: preview with the real studio engine, save a new
version (with an uploaded backdrop image), and re-render approved headshots.

Everything is checked before anything is written: a bad value, or a backdrop
that is not an image or is over BRAND_IMAGE_MAX_BYTES, changes nothing and
leaves no file behind.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from compliance.biometric import biometric_grant
from compliance.services import ConsentRequired
from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotAllowed, NotFound
from teams.models import Membership

from ..engines import Engine as RenderEngine
from ..engines import RenderError, RenderInput, StyleSpec, get_engine
from ..engines.studio import StudioEngine
from ..imaging.io import open_rgb
from ..models import BrandStyle, Engine, Headshot, ReviewState
from .jobs import job_enqueue
from .styles import EDITABLE, _validate, brand_style_update

PREVIEW_LONG_SIDE = 512


def _require_admin(actor: Membership) -> None:
    if not actor.is_admin:
        raise NotAllowed("Only an organisation admin can change the brand style.", code="not_admin")


def brand_image_check(data: bytes) -> bytes:
    """A brand backdrop: an image under the cap, stored as JPEG (metadata dropped)."""
    limit = settings.BRAND_IMAGE_MAX_BYTES
    if len(data) > limit:
        raise ApplicationError(
            f"The backdrop image is {len(data) / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB.",
            code="image_too_large",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > settings.SELFIE_MAX_PIXELS:
                raise ApplicationError("The backdrop image has too many pixels.", code="image_too_large")
            image = probe.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ApplicationError(
            "The backdrop file is not an image we can read (use JPEG or PNG).", code="bad_image"
        ) from None
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _brand_key(actor: Membership) -> str:
    return f"orgs/{actor.organization_id}/brand/{uuid.uuid4()}.jpg"


def _spec(actor: Membership, changes: dict[str, Any]) -> StyleSpec:
    current = BrandStyle.objects.get(organization=actor.organization, is_current=True)
    values = {f: getattr(current, f) for f in EDITABLE if f != "name"} | {
        k: v for k, v in changes.items() if k != "name"
    }
    return StyleSpec(style_id=str(current.id), version=current.version + 1, **values)


@lru_cache(maxsize=1)
def _astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut()).convert("RGB")


def _own_photo(actor: Membership) -> Image.Image:
    try:
        grant = biometric_grant(member=actor)
    except ConsentRequired:
        raise ApplicationError(
            "A preview on your own photo needs your consent first (see the Consent page).", code="consent_required"
        ) from None
    selfie = actor.selfies.filter(usable=True).order_by("-uploaded_at").first()
    if selfie is None:
        raise ApplicationError("Upload a selfie that passes the checklist first.", code="no_usable_selfies")
    return open_rgb(media.get(selfie.storage_key, grant=grant), min_long_side=1024)


@dataclass
class Preview:
    jpeg: bytes
    width: int
    height: int
    notes: list[str] = field(default_factory=list)


def brand_style_preview(
    *, actor: Membership, changes: dict[str, Any], backdrop_image: bytes | None = None, own_photo: bool = False
) -> Preview:
    """Render the first variant of the edited style with the studio engine. Writes nothing."""
    _require_admin(actor)
    _validate(changes)
    image = open_rgb(brand_image_check(backdrop_image)) if backdrop_image else None
    if image is not None:
        changes = changes | {"backdrop": {**changes.get("backdrop", {}), "kind": "image", "image_key": "unsaved"}}
    spec = _spec(actor, changes)
    notes = []
    if spec.engine != Engine.STUDIO:
        notes.append("The preview uses the studio engine; the diffusion engine renders on GPU workers only.")
    scale = min(1.0, PREVIEW_LONG_SIDE / max(spec.output_width, spec.output_height))
    spec = StyleSpec(
        **(
            spec.__dict__
            | {
                "engine": Engine.STUDIO,
                "output_width": max(64, round(spec.output_width * scale)),
                "output_height": max(64, round(spec.output_height * scale)),
            }
        )
    )
    engine: RenderEngine
    if image is not None:
        unsaved = image  # the unsaved upload stands in for a stored image
        engine = StudioEngine(loader=lambda key: unsaved)
    else:
        engine = get_engine(Engine.STUDIO)
    photo = _own_photo(actor) if own_photo else _astronaut()
    try:
        rendered = engine.render(RenderInput(photos=[photo], style=spec, seed_key="preview"), [0])
    except RenderError as exc:
        raise ApplicationError(f"The preview could not be rendered: {exc}.", code="preview_failed") from None
    buffer = io.BytesIO()
    rendered[0].image.save(buffer, "JPEG", quality=88)
    return Preview(jpeg=buffer.getvalue(), width=rendered[0].image.width, height=rendered[0].image.height, notes=notes)


def brand_style_save(*, actor: Membership, changes: dict[str, Any], backdrop_image: bytes | None = None) -> BrandStyle:
    """Save the edit as a new version; an uploaded backdrop is stored only if the save commits."""
    _require_admin(actor)
    _validate(changes)
    jpeg = brand_image_check(backdrop_image) if backdrop_image else None
    if jpeg is None:
        return brand_style_update(actor=actor, changes=changes)
    key = _brand_key(actor)
    changes = changes | {"backdrop": {**changes.get("backdrop", {}), "kind": "image", "image_key": key}}
    media.put(key, jpeg)
    try:
        return brand_style_update(actor=actor, changes=changes)
    except Exception:
        media.delete(key)
        raise


@dataclass
class RerenderResult:
    queued: int = 0
    skipped: list[str] = field(default_factory=list)


def brand_style_rerender_approved(*, actor: Membership, style: BrandStyle) -> RerenderResult:
    """Queue a job in ``style`` for everyone with an approved headshot (one per person and version)."""
    _require_admin(actor)
    if style.organization_id != actor.organization_id:
        raise NotFound("No such style.")
    result = RerenderResult()
    approved = (
        Headshot.objects.filter(organization=actor.organization, chosen=True, review_state=ReviewState.APPROVED)
        .exclude(job__style=style)
        .select_related("member__user", "member__organization")
    )
    for headshot in approved:
        try:
            job_enqueue(actor=actor, member=headshot.member, idempotency_key=f"restyle-{style.id}")
        except ApplicationError as exc:
            result.skipped.append(f"{headshot.member.display_name}: {exc.message}")
            continue
        result.queued += 1
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            organization=actor.organization,
            verb=Verb.STYLE_RERENDER_REQUESTED,
            target=style,
            data={"queued": result.queued, "skipped": len(result.skipped)},
        )
    return result
