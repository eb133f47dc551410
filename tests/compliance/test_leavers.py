"""A member who left keeps their rights during the grace period: download and withdraw."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from compliance.models import AuditEvent, DeletionReceipt
from compliance.services import retention_sweep, subject_access_export
from core.exceptions import NotAllowed
from teams.services import membership_deactivate
from tests import factories

from .conftest import every_version, prefix_of

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(client, member) -> None:
    response = client.post("/login/", {"username": member.user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_a_leaver_downloads_their_data_and_withdraws_during_the_grace_period(admin, rendered, client):
    ada = rendered("Ada")
    membership_deactivate(actor=admin, member=ada.member)

    _sign_in(client, ada.member)  # the login still works, for this page only
    page = client.get("/privacy/").content.decode()
    assert "Your membership ended" in page and "Withdraw my consent" in page
    assert client.get("/selfies/").status_code in (403, 404)  # nothing else

    download = client.get("/privacy/export/")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        names = archive.namelist()
        assert json.loads(archive.read("profile.json"))["memberships"][0]["pseudonymous_id"] == str(ada.member.pk)
    assert any(name.startswith("selfies/") for name in names) and any(n.startswith("headshots/") for n in names)

    assert client.post("/privacy/withdraw/", {"confirm": "1"}).status_code == 302
    assert every_version(prefix_of(ada.member)) == []
    assert DeletionReceipt.objects.get(member_id=ada.member.pk, reason="withdrawal").verified_empty


def test_after_the_grace_period_the_page_and_the_login_close(admin, rendered, client):
    ada = rendered("Ada")
    member = membership_deactivate(actor=admin, member=ada.member)
    retention_sweep(now=member.deactivated_at + timedelta(days=31))
    assert every_version(prefix_of(ada.member)) == []
    assert not client.login(username=ada.member.user.username, password=factories.PASSWORD)
    client.force_login(ada.member.user)  # even a session made before: the account is closed
    response = client.get("/privacy/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_an_admin_can_download_a_leavers_data_for_them(admin, rendered, outsider):
    ada = rendered("Ada")
    membership_deactivate(actor=admin, member=ada.member)
    data = subject_access_export(member=ada.member, actor=admin)
    assert zipfile.ZipFile(io.BytesIO(data)).read("profile.json")
    event = AuditEvent.objects.filter(verb="subject_access.exported").latest("at")
    assert event.actor_member_id == admin.pk and event.subject_member_id == ada.member.pk
    with pytest.raises(NotAllowed):
        subject_access_export(member=ada.member, actor=outsider)
