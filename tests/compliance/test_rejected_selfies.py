"""A photo that fails the checklist is kept only briefly and never with face figures."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from compliance.services import consent_text_current, retention_plan, retention_policy_update, retention_sweep
from generation.models import Selfie
from tests import factories

from .conftest import every_version, prefix_of

pytestmark = pytest.mark.django_db(transaction=True)


def _no_face_photo() -> bytes:
    from skimage import data

    out = io.BytesIO()
    Image.fromarray(data.chelsea()).resize((900, 700)).save(out, "JPEG")  # a cat: no person to render
    return out.getvalue()


def _raw_figures(selfie: Selfie) -> tuple:
    with connection.cursor() as cursor:
        table = Selfie._meta.db_table
        cursor.execute(f"SELECT descriptor, phash, skin_lab FROM {table} WHERE storage_key = %s", [selfie.storage_key])
        return cursor.fetchone()


def test_a_rejected_upload_has_no_figures_and_is_gone_after_its_window(admin, employee):
    person = factories.consent(employee)
    rejected = factories.selfie(actor=person, data=_no_face_photo())
    assert not rejected.usable
    assert _raw_figures(rejected) == (None, None, None)  # no descriptor, hash or skin colour, ever
    assert rejected.storage_key in every_version(prefix_of(person))

    day = timezone.now() + timedelta(days=1)
    assert retention_sweep(now=day - timedelta(minutes=5)).deleted["rejected_selfies"] == 0
    assert [p.category for p in retention_plan(organization=admin.organization, now=day)] == ["rejected_selfie"]
    assert retention_sweep(now=day + timedelta(minutes=1)).deleted["rejected_selfies"] == 1
    assert not Selfie.objects.filter(pk=rejected.pk).exists()
    assert every_version(prefix_of(person)) == []


def test_a_passing_photo_releases_the_earlier_rejected_ones_at_once(employee, astronaut_png):
    person = factories.consent(employee)
    rejected = factories.selfie(actor=person, data=_no_face_photo())
    usable = factories.selfie(actor=person, data=astronaut_png)
    assert usable.usable and _raw_figures(usable)[0] is not None
    assert list(Selfie.objects.filter(member=person)) == [usable]
    assert every_version(prefix_of(person)) == [usable.storage_key]
    assert rejected.storage_key not in every_version(prefix_of(person))


def test_the_consent_text_states_the_rejected_photo_term(admin):
    retention_policy_update(actor=admin, changes={"rejected_selfie_days": 3})
    body = consent_text_current(organization=admin.organization).body
    assert "fail the photo checklist are kept only until your next photo passes, and at most 3 days" in body
    assert "at the latest 3 years after upload" in body and "6 years" in body
