"""Hostile text on every entry point: a clear refusal, nothing written, never a 500."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import media
from core.text import clean_text, csv_safe
from generation import services
from generation.models import Export, Selfie
from teams.models import Invitation, JoinLink
from tests import factories
from tests.api_support import chosen_headshot
from tests.page_helpers import browser, messages_of

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = {
    "a NUL byte": "Ada\x00Lovelace",
    "a control character": "Ada\x1bLovelace",
    "10,000 characters": "A" * 10_000,
}


@pytest.mark.parametrize("case", HOSTILE_NAMES)
@pytest.mark.parametrize("field", ["first_name", "last_name", "department", "job_title"])
def test_the_invite_page_refuses_hostile_names(admin, case, field):
    data = {"email": "new@" + admin.organization.allowed_domains[0], "role": "employee", field: HOSTILE_NAMES[case]}
    response = browser(admin).post(reverse("teams:invitation-create"), data)
    assert response.status_code == 400
    problems = " ".join(messages_of(response)).lower()
    assert any(word in problems for word in ("too long", "control character", "null characters")), problems
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("case", HOSTILE_NAMES)
def test_the_invitations_api_refuses_hostile_names(admin, api, case):
    data = {"email": "new@" + admin.organization.allowed_domains[0], "first_name": HOSTILE_NAMES[case]}
    response = api(admin).post("/api/invitations/", data, format="json")
    assert response.status_code == 400 and set(response.data) >= {"error", "detail"}, response.data
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "csv_text",
    [
        "email,first_name\nbig@x.example," + "A" * 200_000 + "\n",  # over csv.field_size_limit()
        "email,first_name\nnul@x.example,Ada\x00\n",
        'email,first_name\n"unterminated@x.example,Ada\n',
    ],
    ids=["a huge field", "a NUL byte", "an unterminated quote"],
)
def test_a_hostile_csv_is_refused_and_imports_nothing(admin, csv_text):
    page = browser(admin)
    response = page.post(
        reverse("teams:invitations-import"), {"csv_file": SimpleUploadedFile("i.csv", csv_text.encode())}
    )
    assert response.status_code in (200, 400)
    assert not Invitation.objects.exists()
    assert messages_of(response)


@pytest.mark.parametrize("days", ["999999999", "-5", "0", "1e9", "366"])
def test_join_link_expiry_days_out_of_range_is_a_message_not_a_500(admin, days):
    response = browser(admin).post(reverse("teams:join-link-create"), {"max_uses": "5", "expires_in_days": days})
    assert response.status_code == 400
    assert any("expiry" in m.lower() for m in messages_of(response))
    assert not JoinLink.objects.exists()


def test_the_join_link_api_refuses_an_expiry_in_the_far_future(admin, api):
    response = api(admin).post("/api/join-links/", {"max_uses": 5, "expires_at": "9999-12-31T00:00:00Z"})
    assert (response.status_code, response.data["error"]) == (400, "bad_expiry")


@pytest.mark.parametrize("department", ["Sales\x00", "S" * 500])
def test_the_exports_page_refuses_a_hostile_department(hr, department):
    response = browser(hr).post(reverse("generation:exports"), {"department": department})
    assert response.status_code in (200, 302, 400)
    assert not Export.objects.exists()


def test_a_name_that_looks_like_a_formula_is_escaped_in_the_manifest(admin, hr, django_capture_on_commit_callbacks):
    sneaky = factories.consent(
        factories.member(admin=admin, first_name='=HYPERLINK("http://evil.example","x")', department="@SUM(1)")
    )
    services.headshot_approve(actor=hr, headshot=chosen_headshot(sneaky, django_capture_on_commit_callbacks))
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_create(actor=hr)
    export.refresh_from_db()
    manifest = zipfile.ZipFile(io.BytesIO(media.get(export.storage_key))).read("manifest.csv").decode()
    row = list(csv.DictReader(io.StringIO(manifest)))[0]
    assert row["name"].startswith("'=HYPERLINK(") and row["department"] == "'@SUM(1)"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_is_escaped(cell):
    assert csv_safe(cell) == "'" + cell
    assert csv_safe("Ada") == "Ada" and csv_safe(None) == ""


def test_clean_text_allows_new_lines_only_where_asked():
    assert clean_text(" a\nb ", label="x", max_length=5, multiline=True) == "a\nb"
    with pytest.raises(Exception, match="control character"):
        clean_text("a\nb", label="The name", max_length=5)


def test_a_page_upload_of_a_good_photo_and_a_bad_strip_reports_each_file(consented):
    strip = io.BytesIO()
    from PIL import Image

    Image.new("L", (10, 20000)).save(strip, "PNG")
    files = [
        SimpleUploadedFile("good.png", factories.astronaut_png(), content_type="image/png"),
        SimpleUploadedFile("strip.png", strip.getvalue(), content_type="image/png"),
    ]
    response = browser(consented).post(reverse("generation:selfies"), {"photos": files}, follow=True)
    assert response.status_code == 200
    notes = " ".join(messages_of(response))
    assert "good.png: uploaded" in notes and "strip.png: The photo is 10×20000" in notes
    assert Selfie.objects.filter(member=consented).count() == 1


def test_a_checker_crash_is_that_photos_refusal_and_keeps_no_face_figures(
    consented, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(image):
        raise ZeroDivisionError("resize to width 0")

    monkeypatch.setattr("generation.services.selfies.analyse_selfie", crash)
    with django_capture_on_commit_callbacks(execute=True):  # the checklist runs after the upload commits
        response = browser(consented).post(
            reverse("generation:selfies"), {"photos": [SimpleUploadedFile("a.png", factories.astronaut_png())]}
        )
    assert response.status_code in (200, 302)
    selfie = Selfie.objects.get(member=consented)
    assert not selfie.usable and selfie.checked_at is not None
    assert [c["message"] for c in selfie.checks["checks"]] == ["We could not check this photo; try another one."]
    assert not selfie.descriptor and not selfie.phash and not selfie.skin_lab


def test_inviting_someone_from_another_organisation_reveals_nothing(admin, outsider, api):
    body = {"email": outsider.user.email, "allow_outside_domain": True}
    response = api(admin).post("/api/invitations/", body, format="json")
    assert response.status_code == 201, response.data
    same_org = api(admin).post("/api/invitations/", {"email": admin.user.email}, format="json")
    assert (same_org.status_code, same_org.data["error"]) == (400, "already_member")
