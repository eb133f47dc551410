"""The member's privacy page and /api/privacy/: terms, withdrawal, receipts, their own data only."""

from __future__ import annotations

import io
import zipfile

import pytest

from compliance.models import DeletionReceipt

from .conftest import stored

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_page_shows_the_terms_and_withdrawing_there_erases_and_shows_the_receipt(rendered, client):
    ada = rendered("Ada")
    client.force_login(ada.member.user)
    page = client.get("/privacy/").content.decode()
    assert "30 days after the last headshot job finishes" in page and "Withdraw my consent" in page

    assert client.post("/privacy/withdraw/", {"confirm": "1"}).status_code == 302
    assert stored(ada.member) == []
    receipt = DeletionReceipt.objects.get(member_id=ada.member.id)
    page = client.get("/privacy/").content.decode()
    assert str(receipt.id) in page and "storage verified empty" in page


def test_withdrawing_needs_the_box_ticked(rendered, client):
    ada = rendered("Ada")
    client.force_login(ada.member.user)
    client.post("/privacy/withdraw/", {})
    assert stored(ada.member) and not DeletionReceipt.objects.exists()


def test_the_member_downloads_their_data_from_the_page_and_the_api(rendered, client, api):
    ada = rendered("Ada")
    client.force_login(ada.member.user)
    response = client.get("/privacy/export/")
    assert response["Content-Type"] == "application/zip"
    assert "selfies.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    response = api(ada.member).get("/api/privacy/export/")
    assert response.status_code == 200
    assert "profile.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_the_api_lists_only_the_callers_receipts(rendered, outsider, api):
    from compliance.services import consent_withdraw

    ada = rendered("Ada")
    receipt = consent_withdraw(member=ada.member)
    mine = api(ada.member).get("/api/privacy/").json()
    assert [r["id"] for r in mine["receipts"]] == [str(receipt.id)]
    assert mine["receipts"][0]["verified_empty"] is True
    assert mine["retention"]["selfie_days"] == 30
    assert api(outsider).get("/api/privacy/").json()["receipts"] == []


def test_strangers_get_nothing(api):
    from django.test import Client

    page = Client(raise_request_exception=False).get("/privacy/export/")
    assert page.status_code != 200 and page.get("Content-Type") != "application/zip"  # login redirect at merge
    assert api().get("/api/privacy/export/").status_code in (401, 403)
