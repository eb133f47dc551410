"""An employee's own approved headshot, in every platform size, one at a time or as a zip.

``platform_size_render`` is the one place a platform size is made from a
master; the HR export uses it too. Each size keeps the master's disclosure
(IPTC DigitalSourceType and a C2PA manifest naming the master as ingredient).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.text import slugify

from core import media
from core.audit import Verb, audit_event_record
from core.exceptions import NotFound
from teams.models import Membership

from ..imaging.disclosure import disclose_derived
from ..imaging.io import open_rgb
from ..models import Headshot, ReviewState
from ..platform_sizes import derive, sizes_for

MASTER = "original"


@dataclass(frozen=True)
class Download:
    filename: str
    data: bytes
    content_type: str


def platform_size_render(*, master: bytes, size: tuple[int, int], title: str) -> bytes:
    """One platform size of a master JPEG, with the master's disclosure carried over."""
    return disclose_derived(derive(open_rgb(master), size), master=master, title=title)


def headshot_sizes(headshot: Headshot) -> dict[str, tuple[int, int]]:
    """The platform sizes of the style the headshot was rendered in."""
    return sizes_for(headshot.job.style.options)


def headshot_approved_of(*, actor: Membership) -> Headshot:
    headshot = (
        Headshot.objects.filter(member=actor, chosen=True, review_state=ReviewState.APPROVED)
        .select_related("member__user", "job__style")
        .first()
    )
    if headshot is None:
        raise NotFound("You have no approved headshot yet.")
    return headshot


def _base_name(member: Membership) -> str:
    return slugify(member.display_name) or "headshot"


def headshot_download(*, actor: Membership, platform: str) -> Download:
    """The actor's approved headshot in one size (``original`` is the master)."""
    headshot = headshot_approved_of(actor=actor)
    sizes = headshot_sizes(headshot)
    if platform != MASTER and platform not in sizes:
        raise NotFound(f"Unknown size {platform!r}.")
    master = media.get(headshot.storage_key)
    base = _base_name(actor)
    if platform == MASTER:
        data, name = master, f"{base}.jpg"
    else:
        name = f"{base}-{platform}.jpg"
        data = platform_size_render(master=master, size=sizes[platform], title=name)
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.HEADSHOT_DOWNLOADED,
        target=headshot,
        data={"size": platform},
    )
    return Download(filename=name, data=data, content_type="image/jpeg")


def headshot_download_zip(*, actor: Membership) -> Download:
    headshot = headshot_approved_of(actor=actor)
    master = media.get(headshot.storage_key)
    base = _base_name(actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # JPEGs do not compress; storing them keeps the zip quick to build.
        archive.writestr(f"{base}.jpg", master, zipfile.ZIP_STORED)
        for platform, size in headshot_sizes(headshot).items():
            name = f"{base}-{platform}.jpg"
            archive.writestr(name, platform_size_render(master=master, size=size, title=name), zipfile.ZIP_STORED)
    audit_event_record(
        actor=actor,
        organization=actor.organization,
        verb=Verb.HEADSHOT_DOWNLOADED,
        target=headshot,
        data={"size": "zip"},
    )
    return Download(filename=f"{base}-headshots.zip", data=buffer.getvalue(), content_type="application/zip")
