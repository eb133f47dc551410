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


def test_an_import_costs_queries_per_batch_not_per_row(admin, api):
    from tests.api_support import query_count

    def import_rows(prefix: str, count: int) -> int:
        rows = [f"{prefix}{n}@org,P,{n},Sales,Rep,employee" for n in range(count)]
        upload = _csv(admin, *rows)
        return query_count(lambda: api(admin).post("/api/invitations/import/", {"file": upload}, format="multipart"))

    small, large = import_rows("a", 5), import_rows("b", 200)
    assert large <= small + 4  # SQLite inserts ~75 rows a statement, Postgres 500; it was 3 queries a row
    assert Invitation.objects.filter(organization=admin.organization).count() == 205


def test_an_import_still_refuses_people_already_invited_or_members(admin, api):
    first = api(admin).post("/api/invitations/import/", {"file": _csv(admin, GOOD_AND_BAD[0])}, format="multipart")
    assert first.status_code == 201
    again = api(admin).post(
        "/api/invitations/import/", {"file": _csv(admin, GOOD_AND_BAD[0], GOOD_AND_BAD[3])}, format="multipart"
    )
    assert again.status_code == 400
    assert "already has an open invitation" in str(again.data)
    assert Invitation.objects.filter(organization=admin.organization).count() == 1
