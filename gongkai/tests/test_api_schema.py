"""Property-based checks of the whole public API against its own OpenAPI document.

schemathesis generates requests from /api/v1/openapi.json (valid and invalid
parameters) and checks every answer: never a 500, always the documented
status codes, content types and shapes.

`positive_data_acceptance` is left out on purpose: a schema-valid request may
still be refused with a documented 400 and a Chinese reason (e.g. a date in a
year the working-day calendar does not cover yet).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gongkai.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, world, wsgi_keeps_db_connection):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
