"""/api/schema/ and /api/docs/: the OpenAPI description of the whole API."""

from __future__ import annotations

import yaml
from django.core.management import call_command

PATHS = [
    "/api/auth/token/",
    "/api/invitations/",
    "/api/invitations/import/",
    "/api/invitations/accept/",
    "/api/join-links/",
    "/api/join-links/join/",
    "/api/consent/",
    "/api/consent/grant/",
    "/api/consent/withdraw/",
    "/api/selfies/",
    "/api/selfies/{id}/",
    "/api/jobs/",
    "/api/jobs/{id}/retry/",
    "/api/headshots/",
    "/api/headshots/{id}/choose/",
    "/api/headshots/{id}/approve/",
    "/api/headshots/{id}/reject/",
    "/api/headshots/{id}/image/",
    "/api/exports/",
    "/api/exports/{id}/download/",
]


def test_the_schema_lists_every_endpoint(employee, api):
    response = api(employee).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(PATHS) <= set(schema["paths"])


def test_the_docs_page_loads(employee, api):
    assert api(employee).get("/api/docs/").status_code == 200


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
