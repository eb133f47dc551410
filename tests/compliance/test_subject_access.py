"""The data-subject export (GDPR Art. 15/20) holds every category."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from compliance.services import subject_access_export
from core.exceptions import NotAllowed

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_zip_holds_profile_consents_selfies_headshots_audit_and_retention(rendered):
    ada = rendered("Ada")
    archive = zipfile.ZipFile(io.BytesIO(subject_access_export(member=ada.member)))
    names = set(archive.namelist())
    assert {
        "profile.json",
        "consents.json",
        "selfies.json",
        "headshots.json",
        "audit_events.json",
        "retention.json",
        "deletion_receipts.json",
    } <= names
    assert f"selfies/{ada.selfie.pk}.jpg" in names
    assert sum(n.startswith("headshots/") for n in names) == 2
    profile = json.loads(archive.read("profile.json"))
    assert profile["user"]["email"] == ada.member.user.email
    assert profile["memberships"][0]["pseudonymous_id"] == str(ada.member.pk)
    consents = json.loads(archive.read("consents.json"))
    assert consents[0]["text"] and consents[0]["text_sha256"]
    verbs = {e["verb"] for e in json.loads(archive.read("audit_events.json"))}
    assert {"consent.granted", "selfie.uploaded", "job.created", "subject_access.exported"} <= verbs
    retention = json.loads(archive.read("retention.json"))
    assert retention["policy"]["selfie_days"] == 30 and retention["selfies_deleted_after"]


def test_someone_else_cannot_download_a_members_data(rendered, hr):
    ada = rendered("Ada")
    with pytest.raises(NotAllowed):
        subject_access_export(member=ada.member, actor=hr)
