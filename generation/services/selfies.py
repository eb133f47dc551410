from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compliance.biometric import BiometricGrant, biometric_grant, grant_check
from compliance.crypto import column_rotate, descriptor_decrypt, descriptor_encrypt
from compliance.models import SweepRun
from compliance.services import ConsentRequired, retention_policy_get, retention_rows_delete
from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotFound
from generation import keys
from teams.models import Membership

from ..engines.base import StyleSpec
from ..engines.framing import frame_needs
from ..imaging.checks import FrameNeeds, OtherSelfie, SelfieAnalysis, analyse_selfie, set_checks
from ..imaging.io import ImageRejected, decode_upload, encode_jpeg, open_rgb
from ..models import BrandStyle, GenerationJob, Selfie

log = logging.getLogger(__name__)

# What a photo the checker could not analyse records: a refusal with something to do, never a stuck "checking".
UNCHECKABLE: dict[str, Any] = {
    "passed": False,
    "checks": [
        {
            "code": "unreadable",
            "passed": False,
            "value": None,
            "message": "We could not check this photo; try another one.",
        }
    ],
}

MAX_SELFIES = 12
RELEASE_BATCH = 100


def selfie_upload(*, actor: Membership, data: bytes) -> Selfie:
    """Strip and store one selfie for the actor themself, and answer at once: the checklist
    runs after the commit, on a worker (``selfie_check``), and the selfie is usable once it passes.

    Nothing is decoded before consent, and nothing is stored when the file is
    refused. The stored copy is a fresh JPEG: EXIF (GPS included) is gone. A large
    photo is decoded at the resolution renders use (libjpeg's draft mode), which is
    what keeps a 12 MP upload quick.
    """
    from ..tasks import check_selfie_task

    grant = biometric_grant(member=actor)  # refuses without an active consent
    if actor.selfies.count() >= MAX_SELFIES:
        raise ApplicationError(f"You can keep at most {MAX_SELFIES} selfies; delete one first.", code="too_many")
    try:
        decoded = decode_upload(data, min_long_side=settings.SELFIE_STORED_LONG_SIDE)
    except ImageRejected as exc:
        raise ApplicationError(exc.message, code=exc.code) from None
    selfie_id = uuid.uuid4()
    key = keys.selfie_key(organization_id=actor.organization_id, member_id=actor.id, selfie_id=selfie_id)
    media.put(key, encode_jpeg(decoded.image, optimize=False), grant=grant)
    try:
        with transaction.atomic():
            # Serialises with member_erase, which takes the same lock: either this row is in
            # before the erasure lists what to delete, or the grant below sees consent gone.
            Membership.objects.select_for_update().filter(pk=actor.pk).first()
            grant_check(grant)  # consent still there now that the lock is held
            selfie = Selfie.objects.create(
                id=selfie_id,
                organization=actor.organization,
                member=actor,
                storage_key=key,
                width=decoded.image.width,
                height=decoded.image.height,
                original_format=decoded.original_format,
            )
            audit_event_record(actor=actor, organization=actor.organization, verb=Verb.SELFIE_UPLOADED, target=selfie)
            transaction.on_commit(lambda: check_selfie_task.delay(str(selfie_id)))
    except Exception:
        media.delete(key)  # no orphan file when the row is not written
        raise
    return selfie


def selfie_check(*, selfie_id: uuid.UUID | str) -> Selfie | None:
    """Run the checklist on a stored selfie and record it. Idempotent: a checked selfie is left
    as it is; a selfie erased, or whose member withdrew consent, is skipped quietly."""
    selfie = Selfie.objects.select_related("member__organization").filter(pk=selfie_id, checked_at=None).first()
    if selfie is None:
        return None
    member = selfie.member
    try:
        grant = biometric_grant(member=member)
    except ConsentRequired:
        return None  # withdrawal and erasure delete the selfie themselves
    try:
        analysis: SelfieAnalysis | None = analyse_selfie(
            open_rgb(media.get(selfie.storage_key, grant=grant)), needs=_frame_needs(member)
        )
    except Exception:  # a checker bug on an odd photo must be that photo's refusal, not a stuck "checking"
        log.exception("selfie %s: analysis failed", selfie_id)
        analysis = None
    if analysis is None:
        report = UNCHECKABLE
    else:
        analysis.checks += set_checks(analysis, _label(None), _others(member, grant))
        report = analysis.report
    with transaction.atomic():
        updated = Selfie.objects.filter(pk=selfie.pk, checked_at=None).update(
            checks=report,
            usable=report["passed"],
            checked_at=timezone.now(),
            # A photo that fails the checklist may show bystanders: no face figures are kept.
            **(_stored_figures(analysis, grant) if analysis is not None and report["passed"] else {}),
        )
        if not updated:
            return None
        if report["passed"]:  # a usable photo now: the refused ones can go (compliance retention)
            uploaded_at = selfie.uploaded_at
            transaction.on_commit(lambda: rejected_selfies_release(member=member, before=uploaded_at))
        audit_event_record(
            actor=None,
            organization=member.organization,
            verb=Verb.SELFIE_CHECKED,
            target=selfie,
            subject=member,
            data={"usable": report["passed"], "failed": [c["code"] for c in report["checks"] if not c["passed"]]},
        )
    selfie.refresh_from_db()
    return selfie


def _frame_needs(actor: Membership) -> FrameNeeds | None:
    """What the organisation's current style asks of a photo (None: the default style's)."""
    style = BrandStyle.objects.filter(organization=actor.organization, is_current=True).first()
    return None if style is None else frame_needs(StyleSpec.from_model(style))


def rejected_selfies_release(*, member: Membership, before: datetime) -> int:
    """A photo uploaded at ``before`` passed: the member's earlier photos that failed the
    checklist go now (photos uploaded with it or later, or still being checked, stay)."""
    rejected = list(member.selfies.filter(usable=False, checked_at__isnull=False, uploaded_at__lt=before))
    for selfie in rejected:
        with transaction.atomic():
            audit_event_record(
                actor=None,
                organization=member.organization,
                verb=Verb.SELFIE_DELETED,
                target=selfie,
                data={"why": "failed the checklist; a later photo passed"},
            )
            selfie.delete()
        media.delete(selfie.storage_key)
    return len(rejected)


def _label(selfie: Selfie | None) -> str:
    return "This photo" if selfie is None else f"your photo from {selfie.uploaded_at:%d %b %Y %H:%M}"


def descriptor_of(selfie: Selfie, *, grant: BiometricGrant) -> np.ndarray | None:
    """The selfie's face descriptor, decrypted (needs a compliance.biometric grant)."""
    return None if not selfie.descriptor else descriptor_decrypt(selfie.descriptor, grant=grant)


def _others(actor: Membership, grant: BiometricGrant) -> list[OtherSelfie]:
    return [
        OtherSelfie(label=_label(s), descriptor=descriptor_of(s, grant=grant), phash=s.phash, ref=str(s.id))
        for s in actor.selfies.filter(usable=True).order_by("uploaded_at")
    ]


def _stored_figures(analysis: SelfieAnalysis, grant: BiometricGrant) -> dict[str, Any]:
    # Biometric data at rest: the descriptor is stored encrypted (compliance.crypto).
    descriptor = None if analysis.descriptor is None else descriptor_encrypt(analysis.descriptor, grant=grant)
    return {"descriptor": descriptor, "phash": analysis.phash, "skin_lab": analysis.skin_lab}


@transaction.atomic
def selfie_delete(*, actor: Membership, selfie: Selfie) -> None:
    if selfie.member_id != actor.id:
        raise NotFound("No such selfie.")
    key = selfie.storage_key
    audit_event_record(actor=actor, organization=actor.organization, verb=Verb.SELFIE_DELETED, target=selfie)
    selfie.delete()
    transaction.on_commit(lambda: media.delete(key))


def selfie_view_url(*, actor: Membership, selfie: Selfie) -> str:
    """A short-lived link; staff looking at someone else's selfie is audited."""
    if selfie.member_id != actor.id:
        if not actor.is_hr or selfie.organization_id != actor.organization_id:
            raise NotFound("No such selfie.")
        audit_event_record(actor=actor, organization=actor.organization, verb=Verb.SELFIE_VIEWED, target=selfie)
    return media.media_url(selfie.storage_key)


def selfies_release_after_render(*, job: GenerationJob) -> None:
    """Policy N = 0: delete the selfies a job used as soon as it succeeded."""
    if retention_policy_get(organization=job.organization).selfie_days != 0:
        return

    def release() -> None:
        run = SweepRun(started_at=timezone.now())
        used = Selfie.objects.filter(member_id=job.member_id, uploaded_at__lte=job.started_at or timezone.now())
        count = retention_rows_delete(
            run=run, category="selfie", queryset=used, keys_of=keys.selfie_object_keys, batch_size=RELEASE_BATCH
        )
        with transaction.atomic():
            audit_event_record(
                actor=None,
                organization=job.organization,
                verb=Verb.SELFIES_RELEASED,
                target=job,
                data={"selfies": count, "errors": run.errors},
            )

    transaction.on_commit(release)


def selfie_descriptors_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every stored face figure (descriptor, perceptual hash, skin colour) with the
    newest key. Idempotent; returns how many values were re-encrypted."""
    names = {field.name for field in Selfie._meta.fields}
    return sum(column_rotate(Selfie, name, batch_size) for name in ("descriptor", "phash", "skin_lab") if name in names)
