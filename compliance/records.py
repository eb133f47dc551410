"""What a data-protection officer asks for, generated from the organisation's own settings.

``processing_record`` is the record of processing activities (GDPR Art. 30(1));
``dpia_draft`` is a starting point for the impact assessment (Art. 35): the
facts filled in, the judgement left to the DPO. Both are Markdown, so they can
be pasted into the organisation's own register or turned into a PDF.
"""

from __future__ import annotations

from django.utils import timezone

from core import media
from teams.models import Organization

from .models import Jurisdiction
from .selectors import processors, retention_schedule
from .services.policy import retention_policy_get

PURPOSE = "Producing consistent staff headshots for the organisation's own use, and HR approval of them."
CATEGORIES = [
    ("Account data", "name, e-mail address, login, role, department, job title"),
    ("Selfies", "photographs of the member's face uploaded by the member"),
    (
        "Biometric data (GDPR Art. 9)",
        "face descriptors (face geometry), perceptual hashes and skin-colour figures, encrypted at field level",
    ),
    ("Headshots", "generated images of the member, with an AI-disclosure label"),
    ("Consent records", "which text version was agreed, when, from which network address and browser"),
    ("Audit log", "who did what and when, by pseudonymous id; no images"),
]
SAFEGUARDS = [
    "No face processing before explicit consent to the exact text shown (its SHA-256 is kept); withdrawal "
    "at any time erases the face data and gives a receipt that verifies storage is empty.",
    "Face descriptors, perceptual hashes and skin figures are encrypted in the database (rotating Fernet keys).",
    "No face figures are kept for photos that fail the checklist; they are deleted within the policy's days.",
    "Media links expire within 5 minutes; storage is private, encrypted, keeps no old versions (checked at start-up).",
    "Metadata (EXIF with GPS, XMP, ICC, comments, text chunks) is stripped from every stored image.",
    "The audit log is append-only for the application's database role and hash-chained (manage.py audit_verify).",
    "A daily reconciliation deletes any stored object no database row owns.",
    "Organisation deletion at contract end erases every member and the organisation's storage, with a receipt.",
]


def _table(rows: list[tuple[str, str]], head: tuple[str, str]) -> str:
    lines = [f"| {head[0]} | {head[1]} |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def _storage_location() -> str:
    target = media.s3_target()
    if target is not None:
        client, bucket = target
        return f"S3 bucket {bucket} ({client.meta.region_name or 'unknown region'})"
    return "the server's local disk"


def processing_record(*, organization: Organization) -> str:
    """The Art. 30(1) record of this processing activity, as Markdown."""
    policy = retention_policy_get(organization=organization)
    contact = policy.privacy_contact or "(name the privacy contact in the retention policy)"
    parts = [
        f"# Record of processing activities: staff headshots ({organization.name})",
        f"Generated {timezone.now():%Y-%m-%d %H:%M} UTC from the organisation's settings.",
        "## Controller\n" + f"{organization.name}; privacy contact: {contact}.",
        "## Purpose\n" + PURPOSE,
        "## Legal basis\n" + f"Explicit consent of each member ({Jurisdiction(policy.jurisdiction).label} by default; "
        "each member's text follows their jurisdiction). Consent can be withdrawn at any time.",
        "## Categories of data subjects\nMembers of the organisation (staff) who choose to take part.",
        "## Categories of personal data\n" + _table(CATEGORIES, ("Category", "What")),
        "## Recipients and processors\n" + _table(processors(), ("Who", "Role")),
        "## Transfers to third countries\n"
        + f"Media are stored in {_storage_location()}. State any transfer outside the EEA and its safeguard here.",
        "## Time limits for erasure\n" + _table(retention_schedule(policy=policy), ("Data", "Kept")),
        "## Technical and organisational security measures\n" + "\n".join(f"- {s}" for s in SAFEGUARDS),
    ]
    return "\n\n".join(parts) + "\n"


RISKS = [
    (
        "Biometric data used beyond headshots",
        "descriptors never leave the service; operator commands refuse to print them; purpose limited in the text",
    ),
    ("Bystanders in uploaded photos", "failing photos keep no face figures and are deleted within days"),
    ("Data kept after a member leaves", "grace period, then the erasure cascade; receipts verify storage empty"),
    ("Breach of the media store", "private encrypted bucket, 5-minute links, reconciliation of orphans"),
    ("Consent not freely given by employees", "(DPO: describe the alternative offered to staff who decline)"),
    ("Tampering with the record of what happened", "append-only audit log with a verifiable hash chain"),
]


def dpia_draft(*, organization: Organization) -> str:
    """A starting point for the data protection impact assessment, as Markdown."""
    policy = retention_policy_get(organization=organization)
    parts = [
        f"# DPIA (draft): staff headshots with face processing ({organization.name})",
        "Status: draft generated from the organisation's settings. The DPO completes the judgement sections.",
        "## Description of the processing\n" + PURPOSE,
        "## Data\n" + _table(CATEGORIES, ("Category", "What")),
        "## Retention\n" + _table(retention_schedule(policy=policy), ("Data", "Kept")),
        "## Necessity and proportionality\n(DPO: why face geometry is needed: it checks that each generated "
        "headshot still looks like its member; alternatives considered.)",
        "## Risks to the members and measures\n" + _table(RISKS, ("Risk", "Measure")),
        "## Residual risk and decision\n(DPO: residual risk, whether prior consultation is needed, sign-off.)",
    ]
    return "\n\n".join(parts) + "\n"
