"""The default consent texts members read before any photo is taken in.

An organisation may publish its own template per jurisdiction; the
placeholders are filled from its retention policy, so the text always names
the terms that actually apply. The filled text is what members see, whole,
before the upload button appears, and its sha256 goes into their record.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import RetentionPolicy

PLACEHOLDERS = ("organization", "selfie_terms", "unchosen_days", "offboarding_days", "export_days")

GDPR_TEMPLATE = """\
Explicit consent to process photos of my face and biometric data ({organization})

{organization} uses this service to make consistent profile headshots of its staff.
To do this, the service processes photos of your face that you upload ("selfies"):
it detects your face, measures face geometry to check that every generated image
still looks like you, cuts you out of the photo and renders headshots on the
company's brand backdrop. Face geometry is biometric data (GDPR Article 9).

- Purpose: making and approving your company headshot, nothing else.
- What is collected: the selfies you upload, the face geometry (face measurements)
  made from them, cut-outs of you, and the headshots made from them.
- Retention: selfies and face measurements are deleted {selfie_terms}.
  Headshots nobody chose are deleted {unchosen_days} days after they are made.
  Your approved headshot is kept while you work at {organization} and deleted
  {offboarding_days} days after your membership ends. Team exports are deleted
  after {export_days} days.
- You can withdraw this consent at any time from your page or the API.
  Withdrawing deletes your selfies, face measurements and headshots, and you get
  a receipt. You can download everything held about you at any time.

I give my explicit consent to this processing.
"""

BIPA_TEMPLATE = """\
Written release for the collection of biometric identifiers ({organization})

Under the Illinois Biometric Information Privacy Act (740 ILCS 14), {organization}
informs you in writing, and asks for your written release, before collecting
biometric identifiers or biometric information from you.

- What is collected: photographs of your face that you upload ("selfies"), and
  face geometry (a scan of face geometry: face measurements) computed from them,
  and cut-outs and headshots made from them.
- Specific purpose: making and approving your company headshot. Your face geometry
  is used only to check that the generated headshots still look like you. It is
  never sold, leased, traded or used for any other purpose.
- Length of term: selfies and face geometry are collected, stored and used until
  your headshot is made, and permanently destroyed {selfie_terms}, and in any
  case within 3 years of your last interaction with this service. Headshots nobody
  chose are destroyed {unchosen_days} days after they are made; your approved
  headshot {offboarding_days} days after your employment ends; team exports after
  {export_days} days. This retention schedule is public to every member.
- You may revoke this release at any time from your page or the API; revoking
  destroys your selfies, face geometry and headshots, and you receive a receipt.

By consenting, I execute this written release and agree to the collection, storage
and use of my biometric identifiers and biometric information described above.
"""

DEFAULT_TEMPLATES = {"gdpr": GDPR_TEMPLATE, "bipa": BIPA_TEMPLATE}


def selfie_terms(days: int) -> str:
    if days == 0:
        return "as soon as your headshots have been rendered"
    return f"{days} days after your last headshot job finishes"


def render(template: str, *, organization_name: str, policy: RetentionPolicy) -> str:
    return template.format(
        organization=organization_name,
        selfie_terms=selfie_terms(policy.selfie_days),
        unchosen_days=policy.unchosen_days,
        offboarding_days=policy.offboarding_days,
        export_days=policy.export_days,
    )


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
