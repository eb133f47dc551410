"""Django's own error pages, answered in the API's error shape under /api/.

A URL that does not resolve (a malformed UUID in the path, say), a request body over the
upload limit, or a CSRF refusal never reaches DRF's handler: these views give the same
``{"error", "detail"}`` body there, and the usual HTML pages everywhere else.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

ERRORS = {
    400: ("bad_request", "The request could not be read."),
    403: ("permission_denied", "You may not do this."),
    404: ("not_found", "No such address or object."),
    500: ("server_error", "Something went wrong on our side; try again."),
}


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(status: int) -> JsonResponse:
    code, detail = ERRORS[status]
    return JsonResponse({"error": code, "detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _json(400) if _api(request) else defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _json(403) if _api(request) else defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(404) if _api(request) else defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return _json(500) if _api(request) else defaults.server_error(request)
