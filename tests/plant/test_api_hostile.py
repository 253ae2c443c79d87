"""Every write endpoint, fed hostile values beyond what schemathesis generates by default (huge
integers, NUL characters, deep nesting, the wrong JSON types, megabyte strings), answers 4xx
or 2xx, never 5xx. On PostgreSQL in CI, where NUL and integer range are real errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.factories.api import master_data
from tests.factories.scheduling import OrderFactory
from tests.factories.tokens import bearer, issue_token

pytestmark = pytest.mark.django_db(transaction=True)

DEEP: Any = []
for _ in range(60):
    DEEP = [DEEP]

HOSTILE: list[Any] = [
    10**20,
    -(10**20),
    2**31,
    1e308,
    "1e309",
    "\x00",
    "A\x00B",
    "x" * 20_000,
    "😀" * 50,
    "",
    None,
    True,
    [],
    {},
    DEEP,
    "2025-13-45T99:99:99",
]
WHOLE_BODIES: list[Any] = [[], "text", 42, None, DEEP, {"a": "\x00"}]
RESOURCES = {
    "work-centres": "WorkCentre",
    "machines": "Machine",
    "product-families": "ProductFamily",
    "items": "Item",
    "routings": "Routing",
    "changeovers": "Changeover",
    "shift-patterns": "ShiftPattern",
    "calendar-exceptions": "CalendarException",
    "overtime-offers": "OvertimeOffer",
}


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def example_body(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The operation's documented example, else one value of the right type per property."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    for example in (content.get("examples") or {}).values():
        if isinstance(example.get("value"), dict):
            return dict(example["value"])
    body_schema = resolve(schema, content.get("schema", {}))
    defaults = {"string": "X-1", "integer": 1, "number": "1", "boolean": False, "array": []}
    return {
        name: defaults.get(resolve(schema, prop).get("type", "string"), "X-1")
        for name, prop in (body_schema.get("properties") or {}).items()
    }


def variants(body: dict[str, Any]) -> list[tuple[str, Any]]:
    """(what was changed, the body): each field, and each field of a first nested object,
    replaced by each hostile value; and hostile whole bodies."""
    out: list[tuple[str, Any]] = [(f"body={v!r:.30}", v) for v in WHOLE_BODIES]
    for name, value in body.items():
        for hostile in HOSTILE:
            out.append((f"{name}={hostile!r:.30}", {**body, name: hostile}))
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                for hostile in HOSTILE:
                    first = {**value[0], inner: hostile}
                    out.append((f"{name}[0].{inner}={hostile!r:.30}", {**body, name: [first]}))
    return out


def test_no_write_endpoint_answers_5xx_to_hostile_values(plant) -> None:
    records = {model.__name__: record for model, record in master_data(plant).items()}
    OrderFactory(plant=plant, item=records["Item"], external_ref="SO-1")
    api = Client(**bearer(issue_token(plant)))
    api.raise_request_exception = False
    schema = api.get("/api/schema/?format=json").json()
    failures, calls = [], 0
    for path, operations in schema["paths"].items():
        resource = RESOURCES.get(path.split("/")[3], "")
        record = records.get(resource)
        url = path.replace("{id}", str(record.pk if record else 999_999))
        url = url.replace("{code}", str(getattr(record, "code", "X-1")))
        url = url.replace("{external_ref}", "SO-1").replace("{component}", "STEEL")
        assert not re.search(r"\{\w+\}", url), url
        url += f"?plant={plant.code}"
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            headers = {"HTTP_IF_MATCH": '"0"'} if "/floor/" in path else {}
            for what, body in variants(example_body(schema, operation)):
                data = json.dumps(body)
                response = getattr(api, method)(url, data, "application/json", **headers)
                calls += 1
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} {what}: {response.status_code}")
    assert calls > 2000
    assert not failures, f"{len(failures)} of {calls} answered 5xx:\n" + "\n".join(failures[:40])
