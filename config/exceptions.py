"""The one error type services raise for bad input, and its API mapping."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A request the product refuses, with a sentence a person understands.

    ``code`` is stable for clients; ``details`` carries structured extras
    (for example the bad rows of a CSV import).
    """

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, code: str = "invalid", details: object = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


class NotAllowed(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"error": exc.code, "detail": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=exc.status_code)
    return exception_handler(exc, context)
