"""schemathesis against the live app: every operation of the schema, called over HTTP with
an ERP token, never answers 5xx and always answers as the schema says (status codes,
content types, headers, bodies). Reads with a read token, writes with a write token."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.factories.api import master_data
from tests.factories.scheduling import OrderFactory
from tests.factories.tokens import issue_token

pytestmark = pytest.mark.django_db(transaction=True)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def run_operations(live_server: Any, plant: Any, scope: str, examples: int, reads: bool) -> int:
    records = master_data(plant)
    item = next(r for model, r in records.items() if model.__name__ == "Item")
    OrderFactory(
        plant=plant,
        item=item,
        external_ref="SO-1",
        release_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    auth = {"Authorization": f"Bearer {issue_token(plant, scope=scope).secret}"}
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", headers=auth
    )
    schema = schema.include(method="GET") if reads else schema.exclude(method="GET")
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        strategy = operation.as_strategy(headers=auth, query={"plant": plant.code})

        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            case.call_and_validate(base_url=live_server.url, headers=auth, checks=CHECKS)

        conforms()
    return len(operations)


def test_every_read_conforms_to_the_schema_and_never_fails(live_server, plant) -> None:
    assert run_operations(live_server, plant, "read", examples=15, reads=True) > 20


def test_every_write_conforms_to_the_schema_and_never_fails(live_server, plant) -> None:
    assert run_operations(live_server, plant, "write", examples=10, reads=False) > 20
