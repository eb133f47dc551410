"""One place where domain errors become HTTP responses.

Every 4xx the API answers has one shape, ``{"error": code, "detail": sentence}``, plus
``details`` where there is more (the fields of a validation error, a CSV's bad rows):
the product's own ApplicationError, and DRF's own errors (validation, authentication,
permission, not found, throttling) alike. config.schema documents it for every operation.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"error": exc.code, "detail": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=exc.http_status)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"error": "invalid", "detail": _first_message(exc.detail), "details": exc.detail}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = {"error": code, "detail": _sentence(str(exc.detail))}
    else:  # Http404 and Django's PermissionDenied, which DRF maps itself
        code = "not_found" if response.status_code == 404 else "permission_denied"
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"error": code, "detail": _sentence(str(detail))}
    return response


def _first_message(detail: Any, field: str = "") -> str:
    """The first error of a (nested) DRF validation error, as a sentence naming its field."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            return _first_message(value, "" if key == "non_field_errors" else str(key))
    if isinstance(detail, list) and detail:
        return _first_message(detail[0], field)
    message = _sentence(str(detail))
    return f"{field}: {message}" if field else message


def _sentence(text: str) -> str:
    text = text.strip() or "The request was refused"
    return text if text.endswith((".", "?", "!")) else f"{text}."
