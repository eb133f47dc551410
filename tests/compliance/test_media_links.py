"""Media access goes through links that expire within five minutes."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

from core.storages import media_token_read
from generation import services as gen

pytestmark = pytest.mark.django_db(transaction=True)


def test_selfie_links_expire_within_five_minutes_and_staff_views_are_audited(rendered, hr):
    from compliance.models import AuditEvent

    ada = rendered("Ada")
    url = gen.selfie_view_url(actor=hr, selfie=ada.selfie)
    assert settings.MEDIA_URL_EXPIRY_SECONDS <= 300
    if isinstance(default_storage, FileSystemStorage):
        token = url.rstrip("/").rsplit("/", 1)[-1]
        assert media_token_read(token)["k"] == ada.selfie.storage_key
    else:
        query = parse_qs(urlparse(url).query)
        if "X-Amz-Expires" in query:  # SigV4: seconds
            assert int(query["X-Amz-Expires"][0]) <= 300
        else:  # SigV2: an epoch
            assert int(query["Expires"][0]) - time.time() <= 300
    assert AuditEvent.objects.filter(verb="selfie.viewed", subject_member_id=ada.member.id).count() == 1


def test_keys_are_namespaced_by_organisation_and_pseudonymous_member_id(rendered):
    ada = rendered("Ada")
    expected = f"orgs/{ada.member.organization_id}/members/{ada.member.id}/"
    assert ada.selfie.storage_key.startswith(expected)
    assert all(h.storage_key.startswith(expected) for h in ada.job.headshots.all())
    assert ada.member.user.email not in ada.selfie.storage_key
