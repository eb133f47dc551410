"""/api/consent/: read the exact text, consent to it, withdraw."""

from __future__ import annotations

from compliance.models import ConsentRecord


def test_an_employee_reads_the_text_consents_and_withdraws(employee, api):
    client = api(employee)
    current = client.get("/api/consent/").data
    assert current["active"] is None and "Acme" in current["text"]

    granted = client.post(
        "/api/consent/grant/",
        {"version": current["version"], "sha256": current["sha256"]},
        format="json",
        HTTP_USER_AGENT="pytest-browser",
    )
    assert granted.status_code == 201, granted.data
    record = ConsentRecord.objects.get(pk=granted.data["id"])
    assert (record.member, record.method, record.user_agent) == (employee, "api", "pytest-browser")
    assert client.get("/api/consent/").data["active"]["id"] == str(record.id)

    assert client.post("/api/consent/withdraw/").data == {"withdrawn": 1}
    assert client.get("/api/consent/").data["active"] is None


def test_consenting_to_a_text_other_than_the_one_shown_is_refused(employee, api):
    current = api(employee).get("/api/consent/").data
    response = api(employee).post(
        "/api/consent/grant/", {"version": current["version"], "sha256": "0" * 64}, format="json"
    )
    assert (response.status_code, response.data["error"]) == (400, "consent_text_mismatch")
    assert not ConsentRecord.objects.filter(member=employee).exists()


def test_consent_belongs_to_the_caller_and_their_organisation_only(consented, outsider, api):
    seen = api(outsider).get("/api/consent/").data
    assert seen["active"] is None and "Acme" not in seen["text"]
    assert api(outsider).post("/api/consent/withdraw/").data == {"withdrawn": 0}
    assert ConsentRecord.objects.get(member=consented).withdrawn_at is None
