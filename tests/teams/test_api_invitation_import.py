"""POST /api/invitations/import/: a CSV of staff; bad rows are reported, never half-imported."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from teams.models import Invitation

HEADER = "email,first_name,last_name,department,title,role"


def _csv(admin, *rows: str) -> SimpleUploadedFile:
    domain = admin.organization.allowed_domains[0]
    text = "\n".join([HEADER, *rows]).replace("@org", f"@{domain}")
    return SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")


GOOD_AND_BAD = (
    "ada@org,Ada,Lovelace,Engineering,Engineer,employee",
    "not-an-email,Bad,Row,Engineering,Engineer,employee",
    "grace@org,Grace,Hopper,Engineering,Manager,emperor",
    "kat@org,Katherine,Johnson,Research,Scientist,",
)


def test_an_admin_imports_a_clean_csv(admin, api):
    response = api(admin).post(
        "/api/invitations/import/", {"file": _csv(admin, GOOD_AND_BAD[0], GOOD_AND_BAD[3])}, format="multipart"
    )
    assert response.status_code == 201, response.data
    assert len(response.data["created"]) == 2 and response.data["skipped"] == []
    assert all(row["token"] for row in response.data["created"])


def test_bad_rows_import_nothing_and_each_is_reported(admin, api):
    before = Invitation.objects.count()
    response = api(admin).post("/api/invitations/import/", {"file": _csv(admin, *GOOD_AND_BAD)}, format="multipart")
    assert response.status_code == 400
    assert response.data["error"] == "bad_csv_rows"
    assert "nothing was imported" in response.data["detail"]
    grace = "grace@" + admin.organization.allowed_domains[0]
    assert [(row["line"], row["email"]) for row in response.data["details"]] == [(3, "not-an-email"), (4, grace)]
    assert "emperor" in response.data["details"][1]["error"]
    assert Invitation.objects.count() == before


def test_with_skip_bad_rows_the_good_rows_are_imported_and_the_skipped_named(admin, api):
    before = Invitation.objects.count()
    response = api(admin).post(
        "/api/invitations/import/", {"file": _csv(admin, *GOOD_AND_BAD), "skip_bad_rows": "true"}, format="multipart"
    )
    assert response.status_code == 201, response.data
    assert sorted(row["invitation"]["email"].split("@")[0] for row in response.data["created"]) == ["ada", "kat"]
    assert [row["line"] for row in response.data["skipped"]] == [3, 4]
    assert Invitation.objects.count() == before + 2


def test_a_csv_without_the_header_is_refused(admin, api):
    file = SimpleUploadedFile("x.csv", b"ada@example.com,Ada\n", content_type="text/csv")
    response = api(admin).post("/api/invitations/import/", {"file": file}, format="multipart")
    assert (response.status_code, response.data["error"]) == (400, "bad_csv_header")


def test_a_binary_file_is_refused_as_not_utf8(admin, api):
    file = SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    before = Invitation.objects.count()
    response = api(admin).post("/api/invitations/import/", {"file": file}, format="multipart")
    assert (response.status_code, response.data["error"]) == (400, "bad_csv_encoding")
    assert Invitation.objects.count() == before


def test_an_import_never_shows_up_in_another_organisation(admin, outsider, api):
    api(admin).post("/api/invitations/import/", {"file": _csv(admin, GOOD_AND_BAD[0])}, format="multipart")
    assert api(outsider).get("/api/invitations/").data["results"] == []
