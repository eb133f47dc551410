"""Consent follows each member's jurisdiction, not only the organisation's."""

from __future__ import annotations

import pytest

from compliance.services import (
    consent_active,
    consent_grant,
    consent_text_for,
    member_jurisdiction,
    member_jurisdiction_set,
)
from core.exceptions import ApplicationError, NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("jurisdiction", "words"),
    [
        ("bipa", "Illinois Biometric Information Privacy Act"),
        ("cubi", "Texas Capture or Use of Biometric Identifier Act"),
        ("washington", "RCW 19.375"),
    ],
)
def test_a_member_reads_and_consents_to_their_own_laws_text(admin, employee, client, jurisdiction, words):
    gdpr = factories.consent(employee)
    assert consent_active(member=gdpr) is not None and member_jurisdiction(member=employee) == "gdpr"

    member_jurisdiction_set(actor=admin, member=employee, jurisdiction=jurisdiction)
    assert consent_active(member=employee) is None  # consent under another law does not count
    text = consent_text_for(member=employee)
    assert text.jurisdiction == jurisdiction and words in text.body
    client.force_login(employee.user)
    assert words in client.get("/consent/").content.decode()

    consent_grant(member=employee, text_version=text.version, text_sha256=text.sha256)
    assert consent_active(member=employee).text.jurisdiction == jurisdiction
    assert consent_text_for(member=admin).jurisdiction == "gdpr"  # colleagues keep the default


def test_only_an_admin_of_the_organisation_sets_it(hr, employee, outsider):
    with pytest.raises(NotAllowed):
        member_jurisdiction_set(actor=hr, member=employee, jurisdiction="bipa")
    with pytest.raises(NotAllowed):
        member_jurisdiction_set(actor=outsider, member=employee, jurisdiction="bipa")
    with pytest.raises(ApplicationError):
        member_jurisdiction_set(actor=None, member=employee, jurisdiction="mars")
