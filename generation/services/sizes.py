"""Platform sizes of an approved headshot: made and signed once, at approval, then reused
by every export and download."""

from __future__ import annotations

from uuid import UUID

from core import media
from generation import keys

from ..imaging.disclosure import disclose_derived
from ..imaging.io import open_rgb
from ..models import Headshot, ReviewState
from ..platform_sizes import PLATFORM_SIZES, derive


def headshot_sizes_make(*, headshot_id: UUID | str) -> Headshot | None:
    """Make the missing platform sizes of an approved headshot. Idempotent: sizes already
    made are kept; keys derive from the headshot, so a redelivered task overwrites."""
    headshot = Headshot.objects.filter(pk=headshot_id, review_state=ReviewState.APPROVED).first()
    if headshot is None:
        return None
    if set(PLATFORM_SIZES) <= set(headshot.sizes):
        return headshot
    master_bytes = media.get(headshot.storage_key)
    master = open_rgb(master_bytes)
    sizes = dict(headshot.sizes)
    for platform, wanted in PLATFORM_SIZES.items():
        if platform in sizes:
            continue
        image = derive(master, wanted)
        key = keys.size_key(headshot_key=headshot.storage_key, platform=platform)
        media.put(key, disclose_derived(image, master=master_bytes, title=f"{platform}.jpg"))
        sizes[platform] = {"key": key, "width": image.width, "height": image.height}
    if not Headshot.objects.filter(pk=headshot.pk).update(sizes=sizes):  # erased meanwhile: take the files back
        for made in sizes.values():
            media.delete(made["key"])
        return None
    headshot.sizes = sizes
    return headshot
