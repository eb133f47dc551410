"""Test data, made through the real services wherever a service exists."""

from __future__ import annotations

import io
import itertools
from functools import lru_cache

from PIL import Image

from compliance.services import consent_grant, consent_text_current
from teams import services as teams
from teams.models import Membership, Role

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def organization(*, name: str | None = None, domain: str | None = None) -> Membership:
    """A new organisation; returns its first admin."""
    n = next(_counter)
    domain = domain or f"org{n}.example"
    return teams.organization_create(
        name=name or f"Org {n}",
        slug=f"org-{n}",
        allowed_domains=[domain],
        admin_email=f"admin{n}@{domain}",
        admin_password=PASSWORD,
    )


def member(
    *,
    admin: Membership,
    role: str = Role.EMPLOYEE,
    department: str = "Engineering",
    first_name: str = "Sam",
    last_name: str | None = None,
) -> Membership:
    n = next(_counter)
    domain = admin.organization.allowed_domains[0]
    issued = teams.invitation_create(
        actor=admin,
        email=f"person{n}@{domain}",
        role=role,
        first_name=first_name,
        last_name=last_name or f"Person{n}",
        department=department,
        job_title="Engineer",
    )
    return teams.invitation_accept(token=issued.token, password=PASSWORD)


def consent(person: Membership) -> Membership:
    text = consent_text_current(organization=person.organization)
    consent_grant(member=person, text_version=text.version, text_sha256=text.sha256, user_agent="tests")
    return person


@lru_cache(maxsize=1)
def astronaut_png() -> bytes:
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **save_kwargs)
    return buffer.getvalue()


def selfie(*, actor: Membership, data: bytes):
    """Upload through the service and run the checklist the way the worker does (after the commit)."""
    from django.test import TestCase

    from generation import services

    with TestCase.captureOnCommitCallbacks():  # the worker's part runs here, below, wherever tasks go
        uploaded = services.selfie_upload(actor=actor, data=data)
    services.selfie_check(selfie_id=uploaded.pk)
    uploaded.refresh_from_db()
    return uploaded
