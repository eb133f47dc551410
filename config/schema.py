"""The API schema documents the one error shape every 4xx answers with (core.api.exceptions)."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "A stable code, e.g. `bad_email`, `not_found`."},
        "detail": {"type": "string", "description": "A sentence a person understands."},
        "details": {"description": "Structured extras: a validation error's fields, a CSV's bad rows."},
    },
    "required": ["error", "detail"],
}

ERROR_RESPONSES = {
    "400": "The request was refused; `detail` says why.",
    "401": "Not signed in, or the token expired, was revoked, or predates a password change.",
    "403": "Signed in, but this role may not do it.",
    "404": "No such object (another organisation's objects look absent).",
    "405": "This method is not allowed here.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "429": "Too many failed attempts, or too many requests: try again later.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation lists the error responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result
