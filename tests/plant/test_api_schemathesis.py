"""schemathesis against the live app: every GET operation of the schema, called over HTTP
with an ERP token, never answers 5xx and always answers as the schema says."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.factories.api import master_data
from tests.factories.scheduling import OrderFactory
from tests.factories.tokens import issue_token

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES_PER_OPERATION = 15
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def test_every_get_operation_conforms_to_the_schema_and_never_fails(live_server, plant) -> None:  # type: ignore[no-untyped-def]
    records = master_data(plant)
    item = next(r for model, r in records.items() if model.__name__ == "Item")
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    OrderFactory(plant=plant, item=item, external_ref="SO-1", release_at=now)
    auth = {"Authorization": f"Bearer {issue_token(plant, scope='read').secret}"}
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", headers=auth
    ).include(method="GET")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        strategy = operation.as_strategy(headers=auth, query={"plant": plant.code})

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(base_url=live_server.url, headers=auth, checks=CHECKS)

        conforms()
