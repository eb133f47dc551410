"""Consent texts: versioned per organisation and jurisdiction, hashed, re-asked when changed."""

from __future__ import annotations

import hashlib

import pytest

from compliance.models import ConsentText
from compliance.services import (
    consent_active,
    consent_grant,
    consent_text_current,
    consent_text_publish,
    retention_policy_update,
)
from core.exceptions import ApplicationError, NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_default_gdpr_text_asks_for_explicit_consent_and_names_the_retention(employee):
    text = consent_text_current(organization=employee.organization)
    assert text.jurisdiction == "gdpr"
    assert "explicit consent" in text.body and "biometric" in text.body
    assert "30 days after your last headshot job finishes" in text.body
    assert text.sha256 == hashlib.sha256(text.body.encode()).hexdigest()


def test_the_bipa_release_names_purpose_what_is_collected_and_the_term_from_the_policy(admin, employee):
    retention_policy_update(actor=admin, changes={"jurisdiction": "bipa", "selfie_days": 45})
    text = consent_text_current(organization=employee.organization)
    assert text.jurisdiction == "bipa"
    for phrase in (
        "written release",
        "Specific purpose",
        "photographs of your face",
        "face geometry",
        "45 days after your last headshot job finishes",
        "within 3 years",
    ):
        assert phrase in text.body


def test_consent_keeps_version_hash_time_ip_agent_and_method(employee):
    text = consent_text_current(organization=employee.organization)
    record = consent_grant(
        member=employee,
        text_version=text.version,
        text_sha256=text.sha256,
        method="api",
        ip_address="203.0.113.9",
        user_agent="curl/8",
    )
    assert (record.text_version, record.text_sha256, record.method) == (
        text.version,
        text.sha256,
        "api",
    )
    assert record.ip_address == "203.0.113.9" and record.user_agent == "curl/8" and record.granted_at
    assert record.text.body == text.body


def test_consent_to_a_text_that_was_not_shown_is_refused(employee):
    text = consent_text_current(organization=employee.organization)
    with pytest.raises(ApplicationError) as err:
        consent_grant(member=employee, text_version=text.version, text_sha256="0" * 64)
    assert err.value.code == "consent_text_mismatch"
    assert not employee.consents.exists()


def test_a_material_change_asks_everyone_again(admin, consented):
    assert consent_active(member=consented)
    template = consent_text_current(organization=admin.organization).template
    consent_text_publish(actor=admin, jurisdiction="gdpr", template=template + "\nWe now also keep X.\n")
    assert consent_active(member=consented) is None
    factories.consent(consented)
    assert consent_active(member=consented)


def test_a_typo_fix_keeps_existing_consents(admin, consented):
    template = consent_text_current(organization=admin.organization).template
    text = consent_text_publish(
        actor=admin,
        jurisdiction="gdpr",
        template=template.replace("nothing else", "nothing else at all"),
        material=False,
    )
    assert text.number == 2 and text.material_version == 1
    assert consent_active(member=consented)


def test_changing_the_retention_term_changes_the_text_and_asks_again(admin, consented):
    retention_policy_update(actor=admin, changes={"selfie_days": 7})
    text = consent_text_current(organization=admin.organization)
    assert "7 days after" in text.body and text.material_version == 2
    assert consent_active(member=consented) is None


def test_only_an_admin_publishes_texts_and_unknown_placeholders_are_refused(admin, hr):
    with pytest.raises(NotAllowed):
        consent_text_publish(actor=hr, jurisdiction="gdpr", template="x")
    with pytest.raises(ApplicationError) as err:
        consent_text_publish(actor=admin, jurisdiction="gdpr", template="Hello {nobody}")
    assert err.value.code == "bad_template"
    with pytest.raises(ApplicationError):
        consent_text_publish(actor=admin, jurisdiction="mars", template="x")
    assert ConsentText.objects.filter(organization=admin.organization).count() <= 1


def test_texts_are_per_organisation(employee, outsider):
    ours = consent_text_current(organization=employee.organization)
    theirs = consent_text_current(organization=outsider.organization)
    assert ours.sha256 != theirs.sha256
    with pytest.raises(ApplicationError):
        consent_grant(member=employee, text_version=theirs.version, text_sha256=theirs.sha256)


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"selfie_days": 1096}, "bad_policy"),
        ({"selfie_days": -1}, "bad_policy"),
        ({"audit_years": 0}, "bad_policy"),
        ({"export_days": "soon"}, "bad_policy"),
        ({"jurisdiction": "mars"}, "bad_jurisdiction"),
        ({"colour": 1}, "bad_field"),
    ],
)
def test_a_policy_outside_its_bounds_is_refused_and_changes_nothing(admin, changes, code):
    with pytest.raises(ApplicationError) as err:
        retention_policy_update(actor=admin, changes=changes)
    assert err.value.code == code
    from compliance.services import retention_policy_get

    policy = retention_policy_get(organization=admin.organization)
    assert (policy.selfie_days, policy.audit_years, policy.jurisdiction) == (30, 6, "gdpr")


def test_the_bipa_ceiling_is_allowed_and_only_admins_change_the_policy(admin, hr):
    assert retention_policy_update(actor=admin, changes={"selfie_days": 1095}).selfie_days == 1095
    with pytest.raises(NotAllowed):
        retention_policy_update(actor=hr, changes={"selfie_days": 1})
