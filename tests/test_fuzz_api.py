"""Fuzzing in CI: schemathesis against the live API (a real HTTP server on loopback).

Every operation gets FUZZ_EXAMPLES generated requests, signed in as an admin who has
consented and uploaded a selfie. Every answer must be documented by the schema (status,
content type, body: the error shape for every 4xx) and none may be a 5xx. A time cap stops
generating for an operation once the whole run has used FUZZ_TIME_CAP seconds.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests import factories
from tests.fault_support import publishing_to

FUZZ_EXAMPLES = 6
FUZZ_TIME_CAP = 240.0  # seconds for the whole API
_started: list[float] = []

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# pytest-django has configured Django before collection: the schema is the one /api/schema/ serves.
# /api/schema/ itself is left out: it answers in OpenAPI's own media types.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema = schema.exclude(path="/api/schema/")


@pytest.fixture(autouse=True)
def _tasks_queued_not_run():
    """Jobs and exports are sent to an in-memory broker: the fuzzer tests the API, not renders."""
    with publishing_to("memory://"):
        yield


@pytest.fixture
def signed_in(admin) -> dict[str, str]:
    from teams.tokens import api_token_create

    factories.consent(admin)
    from generation import services

    services.selfie_upload(actor=admin, data=factories.astronaut_png())
    return {"Authorization": f"Token {api_token_create(member=admin, name='fuzz').key}"}


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_documented(case, live_server, signed_in):
    if not _started:
        _started.append(time.monotonic())
    if time.monotonic() - _started[0] > FUZZ_TIME_CAP:
        pytest.skip(f"the fuzzing time cap ({FUZZ_TIME_CAP:.0f} s) was reached")
    # Schema-valid data may still be refused by a business rule (nothing approved to export,
    # an unknown token), so "positive data accepted" and its mirror are not required here.
    case.call_and_validate(
        base_url=live_server.url,
        headers=signed_in,
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
