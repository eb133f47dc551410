from __future__ import annotations

import logging
import uuid

import numpy as np
from django.db import transaction

from compliance.biometric import biometric_grant, grant_check
from compliance.crypto import descriptor_decrypt, descriptor_encrypt
from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import ApplicationError, NotFound
from generation import keys
from teams.models import Membership

from ..imaging.checks import OtherSelfie, SelfieAnalysis, analyse_selfie, set_checks
from ..imaging.io import ImageRejected, decode_upload, encode_jpeg
from ..models import Selfie

log = logging.getLogger(__name__)

MAX_SELFIES = 12


def selfie_upload(*, actor: Membership, data: bytes) -> Selfie:
    """Check, strip and store one selfie for the actor themself.

    Nothing is decoded before consent, and nothing is stored when the file is
    refused. The stored copy is a fresh JPEG: EXIF (GPS included) is gone.
    """
    grant = biometric_grant(member=actor)  # refuses without an active consent
    if actor.selfies.count() >= MAX_SELFIES:
        raise ApplicationError(f"You can keep at most {MAX_SELFIES} selfies; delete one first.", code="too_many")
    try:
        decoded = decode_upload(data)
    except ImageRejected as exc:
        raise ApplicationError(exc.message, code=exc.code) from None
    try:
        analysis = analyse_selfie(decoded.image)
    except Exception:  # a checker bug on an odd photo must be a refusal, not a 500
        log.exception("selfie analysis failed")
        raise ApplicationError("We could not check this photo; try another one.", code="unreadable") from None
    analysis.checks += set_checks(analysis, _label(None), _others(actor, grant))
    report = analysis.report
    selfie_id = uuid.uuid4()
    key = keys.selfie_key(organization_id=actor.organization_id, member_id=actor.id, selfie_id=selfie_id)
    media.put(key, encode_jpeg(decoded.image), grant=grant)
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
                checks=report,
                usable=report["passed"],
                # A photo that fails the checklist may show bystanders: no face figures are kept.
                **(_stored_figures(analysis, grant) if report["passed"] else {}),
            )
            audit_event_record(
                actor=actor,
                organization=actor.organization,
                verb=Verb.SELFIE_UPLOADED,
                target=selfie,
                data={"usable": selfie.usable, "failed": [c["code"] for c in report["checks"] if not c["passed"]]},
            )
    except Exception:
        media.delete(key)  # no orphan file when the row is not written
        raise
    if selfie.usable:
        transaction.on_commit(lambda: rejected_selfies_release(member=actor))
    return selfie


def rejected_selfies_release(*, member: Membership) -> int:
    """A photo passed: the member's earlier photos that failed the checklist go now."""
    rejected = list(member.selfies.filter(usable=False))
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


def descriptor_of(selfie: Selfie, *, grant) -> np.ndarray | None:
    """The selfie's face descriptor, decrypted (needs a compliance.biometric grant)."""
    return None if not selfie.descriptor else descriptor_decrypt(selfie.descriptor, grant=grant)


def _others(actor: Membership, grant) -> list[OtherSelfie]:
    return [
        OtherSelfie(label=_label(s), descriptor=descriptor_of(s, grant=grant), phash=s.phash, ref=str(s.id))
        for s in actor.selfies.filter(usable=True).order_by("uploaded_at")
    ]


def _stored_figures(analysis: SelfieAnalysis, grant) -> dict:
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
