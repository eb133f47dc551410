"""One place where domain errors become HTTP responses."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"error": exc.code, "detail": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=exc.http_status)
    return exception_handler(exc, context)
