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

PLACEHOLDERS = (
    "organization",
    "selfie_terms",
    "rejected_terms",
    "unchosen_days",
    "offboarding_days",
    "export_days",
    "audit_years",
)
# The default templates before they named every term; an organisation still on one moves to the
# current default (a material change: members are asked again).
RETIRED_DEFAULTS = {
    "71ac8bd810c65bda331a1cd5a671462753307831730df14c33e435efbe2f7adb",
    "569203bfac5ced3e4150a05741e1c1f861b58d9f26233a4ad0b4b92bdbaed773",
}

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
- Retention: selfies and face measurements are deleted {selfie_terms}, and
  selfies never used for a headshot at the latest 3 years after upload.
  Photos that fail the photo checklist are kept {rejected_terms}; no face
  measurements are ever stored for them. Headshots nobody chose are deleted
  {unchosen_days} days after they are made. Your approved headshot is kept while
  you work at {organization} and deleted {offboarding_days} days after your
  membership ends. Team exports are deleted after {export_days} days. A log of
  what was done (no images) is kept {audit_years} years.
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
  case within 3 years of your last interaction with this service. Photos that fail
  the photo checklist are kept {rejected_terms}, and no face geometry is stored
  for them. Headshots nobody chose are destroyed {unchosen_days} days after they
  are made; your approved headshot {offboarding_days} days after your employment
  ends; team exports after {export_days} days; the log of what was done (no
  images) after {audit_years} years. This retention schedule is public.
- You may revoke this release at any time from your page or the API; revoking
  destroys your selfies, face geometry and headshots, and you receive a receipt.

By consenting, I execute this written release and agree to the collection, storage
and use of my biometric identifiers and biometric information described above.
"""

CUBI_TEMPLATE = """\
Notice and consent: capture of biometric identifiers ({organization})

Under the Texas Capture or Use of Biometric Identifier Act (Bus. & Com. Code
§ 503.001), {organization} informs you before capturing a biometric identifier
and asks for your consent.

- What is captured: photographs of your face that you upload ("selfies") and a
  record of face geometry computed from them, and cut-outs and headshots made
  from them.
- Purpose: making and approving your company headshot; the face geometry only
  checks that generated headshots still look like you. It is never sold, leased
  or disclosed except as the law allows.
- Destruction: selfies and face geometry are destroyed {selfie_terms}, and never
  later than one year after that purpose ends. Photos that fail the photo
  checklist are kept {rejected_terms}, with no face geometry. Headshots nobody
  chose are destroyed {unchosen_days} days after they are made; your approved
  headshot {offboarding_days} days after your employment ends; team exports after
  {export_days} days; the log of what was done (no images) after {audit_years} years.
- You can withdraw this consent at any time from your page; withdrawing destroys
  your selfies, face geometry and headshots, and you receive a receipt.

I consent to the capture and use of my biometric identifiers as described above.
"""

WASHINGTON_TEMPLATE = """\
Notice and consent: enrolment of biometric identifiers ({organization})

Under Washington law (RCW 19.375 and the My Health My Data Act, RCW 19.373),
{organization} gives you notice and asks for your consent before enrolling a
biometric identifier.

- What is collected: photographs of your face that you upload ("selfies"),
  face geometry computed from them, and cut-outs and headshots made from them.
- Purpose: making and approving your company headshot, nothing else; it is
  never sold or disclosed for another purpose.
- Retention: selfies and face geometry are deleted {selfie_terms}. Photos that
  fail the photo checklist are kept {rejected_terms}, with no face geometry.
  Headshots nobody chose are deleted {unchosen_days} days after they are made;
  your approved headshot {offboarding_days} days after your employment ends; team
  exports after {export_days} days; the log of what was done (no images) after
  {audit_years} years.
- You can withdraw this consent and ask for deletion at any time from your page,
  and download everything held about you.

I consent to the collection and use of my biometric identifiers as described above.
"""

DEFAULT_TEMPLATES = {
    "gdpr": GDPR_TEMPLATE,
    "bipa": BIPA_TEMPLATE,
    "cubi": CUBI_TEMPLATE,
    "washington": WASHINGTON_TEMPLATE,
}


def selfie_terms(days: int) -> str:
    if days == 0:
        return "as soon as your headshots have been rendered"
    return f"{days} days after your last headshot job finishes"


def rejected_terms(days: int) -> str:
    limit = "the same day" if days == 0 else f"at most {days} day{'s' if days != 1 else ''}"
    return f"only until your next photo passes, and {limit}"


def render(template: str, *, organization_name: str, policy: RetentionPolicy) -> str:
    return template.format(
        organization=organization_name,
        selfie_terms=selfie_terms(policy.selfie_days),
        rejected_terms=rejected_terms(policy.rejected_selfie_days),
        audit_years=policy.audit_years,
        unchosen_days=policy.unchosen_days,
        offboarding_days=policy.offboarding_days,
        export_days=policy.export_days,
    )


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
