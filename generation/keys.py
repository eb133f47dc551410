"""Storage keys for generation's files, all under the member's prefix (core.media).

Derived from ids, so a redelivered task overwrites instead of duplicating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.media import member_prefix

if TYPE_CHECKING:
    from .models import Selfie


def selfie_key(*, organization_id: object, member_id: object, selfie_id: object) -> str:
    return f"{member_prefix(organization_id=organization_id, member_id=member_id)}selfies/{selfie_id}.jpg"


def headshot_key(*, organization_id: object, member_id: object, job_id: object, variant_index: int) -> str:
    prefix = member_prefix(organization_id=organization_id, member_id=member_id)
    return f"{prefix}jobs/{job_id}/variant-{variant_index}.jpg"


def cutout_key(*, organization_id: object, member_id: object, selfie_id: object) -> str:
    return f"{member_prefix(organization_id=organization_id, member_id=member_id)}cutouts/{selfie_id}.png"


def export_key(*, organization_id: object, export_id: object) -> str:
    return f"orgs/{organization_id}/exports/{export_id}.zip"


def selfie_object_keys(selfie: Selfie) -> list[str]:
    """A selfie's pixels and its cut-out: deleted together."""
    cutout = cutout_key(organization_id=selfie.organization_id, member_id=selfie.member_id, selfie_id=selfie.pk)
    return [selfie.storage_key, cutout]


def size_key(*, headshot_key: str, platform: str) -> str:
    """A platform size of an approved headshot: beside its master, under the member's prefix."""
    return headshot_key.removesuffix(".jpg") + f"/sizes/{platform}.jpg"
