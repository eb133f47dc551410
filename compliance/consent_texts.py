"""The consent text members read before any photo is taken in.

Texts are versioned: a material change gets a new version, and members
must consent again before new processing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentText:
    version: str
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


_BODY = """\
Consent to process photos of my face ({organization})

{organization} uses this service to make consistent profile headshots of its staff.
To do this, the service processes photos of your face that you upload ("selfies"):
it detects your face, measures face geometry to check that every generated image
still looks like you, cuts you out of the photo and renders headshots on the
company's brand backdrop. Face geometry is biometric data.

- Purpose: making and approving your company headshot, nothing else.
- What is collected: the selfies you upload, the face measurements made from them,
  and the headshots made from them.
- Retention: selfies and face measurements are deleted after your headshot is
  made, following the organisation's retention policy; headshots you do not
  choose are deleted too; an approved headshot is kept while you work here.
- You can withdraw this consent at any time from your page. Withdrawing deletes
  your selfies, face measurements and headshots, and you get a receipt.

I give my explicit consent to this processing.
"""

CURRENT_VERSION = "2026-11-v1"


def current_text(*, organization_name: str) -> ConsentText:
    return ConsentText(version=CURRENT_VERSION, body=_BODY.format(organization=organization_name))
