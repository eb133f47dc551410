"""Test data, made through the real services wherever a service exists."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import factory
from PIL import Image

from compliance.services import consent_grant, consent_text_current
from teams import services as teams
from teams.models import Membership, Role

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.Factory):
    """A new organisation, made by ``organization_create``; builds its first admin."""

    class Meta:
        model = Membership

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    domain = factory.Sequence(lambda n: f"org{n}.example")

    @classmethod
    def _create(cls, model_class: type[Membership], *, name: str, slug: str, domain: str) -> Membership:
        return teams.organization_create(
            name=name,
            slug=slug,
            allowed_domains=[domain],
            admin_email=f"admin-{slug}@{domain}",
            admin_password=PASSWORD,
        )


class MemberFactory(factory.Factory):
    """A member who was invited by ``admin`` and accepted: ``invitation_create`` then ``invitation_accept``."""

    class Meta:
        model = Membership

    admin: Any = None
    role = Role.EMPLOYEE
    department = "Engineering"
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    job_title = "Engineer"
    local_part = factory.Sequence(lambda n: f"person{n}")

    @classmethod
    def _create(cls, model_class: type[Membership], *, admin: Membership, local_part: str, **fields: Any) -> Membership:
        email = f"{local_part}@{admin.organization.allowed_domains[0]}"
        issued = teams.invitation_create(actor=admin, email=email, **fields)
        return teams.invitation_accept(token=issued.token, password=PASSWORD)


def organization(*, name: str | None = None, domain: str | None = None) -> Membership:
    """A new organisation; returns its first admin."""
    overrides = {key: value for key, value in {"name": name, "domain": domain}.items() if value}
    return OrganizationFactory(**overrides)


def member(
    *,
    admin: Membership,
    role: str = Role.EMPLOYEE,
    department: str = "Engineering",
    first_name: str = "Sam",
    last_name: str | None = None,
) -> Membership:
    overrides = {"last_name": last_name} if last_name else {}
    return MemberFactory(admin=admin, role=role, department=department, first_name=first_name, **overrides)


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
