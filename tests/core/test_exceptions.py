"""Domain errors carry no web layer; the API and the pages map them to the right status."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from core.api.exceptions import api_exception_handler
from core.exceptions import ApplicationError, NotAllowed, NotFound
from teams.access import refuse


@pytest.mark.parametrize(
    "exc, status, code",
    [
        (ApplicationError("Bad."), 400, "invalid"),
        (NotAllowed("Not yours."), 403, "not_allowed"),
        (NotFound("No such selfie."), 404, "not_found"),
    ],
)
def test_the_api_answers_each_error_with_its_status_and_code(exc, status, code):
    response = api_exception_handler(exc, {})
    assert response is not None
    assert response.status_code == status
    assert response.data == {"error": code, "detail": exc.message}


def test_core_exceptions_import_nothing_from_the_web_layer():
    import core.exceptions

    source = open(core.exceptions.__file__).read()
    assert "rest_framework" not in source and "django.http" not in source


def test_a_page_that_meets_a_missing_object_is_a_404():
    with pytest.raises(Http404):
        refuse(RequestFactory().get("/"), NotFound("No such headshot."))
