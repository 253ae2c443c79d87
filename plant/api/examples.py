"""Example bodies for the OpenAPI schema: what each master-data record looks like."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer

STAMPS = {"created_at": "2025-02-03T08:00:00Z", "updated_at": "2025-02-10T14:30:00Z"}
WINDOW = {"start": "2025-04-18T04:00:00Z", "end": "2025-04-22T04:00:00Z"}

RECORDS: dict[str, dict[str, Any]] = {
    "Plant": {"id": 1, "code": "NW1", "name": "Nordwerk Metal Parts", "time_zone": "Europe/Berlin"},
    "WorkCentre": {
        "id": 2,
        "plant": "NW1",
        "code": "CNC",
        "name": "CNC machining",
        "description": "Milling and turning centres.",
    },
    "Machine": {
        "id": 5,
        "plant": "NW1",
        "code": "MIL-02",
        "name": "3-axis mill Haas 2",
        "work_centre": "CNC",
        "status": "available",
        "shift_pattern": None,
    },
    "ProductFamily": {"id": 3, "plant": "NW1", "code": "BRACKET", "name": "Brackets"},
    "Item": {
        "id": 33,
        "plant": "NW1",
        "code": "BRK-900",
        "name": "Bracket 900, welded",
        "kind": "made",
        "unit": "pcs",
        "family": "BRACKET",
    },
    "BOMLine": {"id": 42, "parent": "BRK-900", "component": "FLAT-S235-8", "quantity": "0.4500"},
    "Routing": {
        "id": 24,
        "plant": "NW1",
        "item": "BRK-900",
        "notes": "",
        "operations": [
            {
                "sequence": 10,
                "name": "Cut",
                "work_centre": "CUT",
                "can_pause": False,
                "min_wait_minutes": 0,
                "max_wait_minutes": None,
                "machines": [
                    {"machine": "SAW-01", "setup_minutes": 10, "run_minutes_per_unit": "0.800"}
                ],
            }
        ],
    },
    "Changeover": {
        "id": 7,
        "plant": "NW1",
        "from_family": "SHAFT",
        "to_family": "BRACKET",
        "work_centre": "CNC",
        "machine": None,
        "minutes": 45,
    },
    "ShiftPattern": {
        "id": 1,
        "plant": "NW1",
        "name": "Two shifts",
        "is_plant_default": True,
        "shifts": [
            {
                "name": "Early",
                "weekday": 0,
                "start_time": "06:00:00",
                "end_time": "14:00:00",
                "crosses_midnight": False,
            }
        ],
    },
    "CalendarException": {
        "id": 4,
        "plant": "NW1",
        "machine": None,
        "kind": "holiday",
        **WINDOW,
        "reason": "Easter",
    },
    "OvertimeOffer": {
        "id": 9,
        "plant": "NW1",
        "machine": "MIL-02",
        "start": "2025-03-08T05:00:00Z",
        "end": "2025-03-08T11:00:00Z",
        "cost_per_hour": "65.00",
        "note": "Saturday morning",
    },
}


def output_schema(component: str) -> Any:
    """extend_schema_serializer naming an output component and showing its example."""
    return extend_schema_serializer(component_name=component, examples=output_example(component))


def output_example(component: str) -> list[OpenApiExample]:
    """The record as the API returns it (lists wrap it in a cursor page)."""
    value = {**RECORDS[component], **STAMPS} if "id" in RECORDS[component] else RECORDS[component]
    return [OpenApiExample(component, value=value, response_only=True)]


ERROR_EXAMPLES = [
    OpenApiExample(
        "Invalid field",
        value={
            "code": "invalid",
            "message": "quantity: Ensure this value is greater than or equal to 0.001.",
            "detail": {"quantity": ["Ensure this value is greater than or equal to 0.001."]},
        },
        response_only=True,
        status_codes=["400"],
    ),
    OpenApiExample(
        "Expired token",
        value={"code": "token_expired", "message": "This token has expired.", "detail": None},
        response_only=True,
        status_codes=["401"],
    ),
    OpenApiExample(
        "Read-only token",
        value={
            "code": "read_only_token",
            "message": "This API token is read-only.",
            "detail": None,
        },
        response_only=True,
        status_codes=["403"],
    ),
    OpenApiExample(
        "Not found",
        value={"code": "not_found", "message": "No such machine.", "detail": None},
        response_only=True,
        status_codes=["404"],
    ),
    OpenApiExample(
        "In use",
        value={
            "code": "in_use",
            "message": "Cannot delete machine MIL-02: it is still used by 3 operations.",
            "detail": {"operations": 3},
        },
        response_only=True,
        status_codes=["409"],
    ),
    OpenApiExample(
        "Rule broken",
        value={
            "code": "rule_violation",
            "message": "The due date must be after the release.",
            "detail": {"due_at": ["Before release."]},
        },
        response_only=True,
        status_codes=["422"],
    ),
]
