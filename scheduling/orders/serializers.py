"""The ERP contract for production orders: input and output kept apart from the model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from plant.models.base import code_validator
from scheduling.models import ProductionOrder

ORDER_EXAMPLE = {
    "item": "GEAR-40",
    "quantity": "250.000",
    "release_at": "2025-03-03T06:00:00Z",
    "due_at": "2025-03-14T16:00:00Z",
    "priority": 2,
}


# What an ERP may set; the shop floor and the cancel command set the rest.
SETTABLE_STATUSES = [("open", "Open"), ("released", "Released")]


ORDER_OUTPUT_EXAMPLE = {
    "plant": "NW1",
    "external_ref": "SO-77001",
    **ORDER_EXAMPLE,
    "quantity": "250.000",
    "status": "released",
    "completed_quantity": "0.000",
    "scheduled_start": "2025-03-05T05:40:00Z",
    "scheduled_end": "2025-03-07T13:10:00Z",
    "created_at": "2025-02-20T09:00:00Z",
    "updated_at": "2025-03-01T07:12:00Z",
}


@extend_schema_serializer(
    component_name="ProductionOrder",
    examples=[OpenApiExample("An order", value=ORDER_OUTPUT_EXAMPLE, response_only=True)],
)
class OrderOutput(serializers.ModelSerializer[ProductionOrder]):
    plant = serializers.CharField(source="plant.code", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True, help_text="Item code.")
    completed_quantity = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        read_only=True,
        help_text="Good quantity the shop floor reported on the routing's last step.",
    )
    scheduled_start = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the published schedule starts its first operation (setup included); "
        "null if it is not in the published schedule.",
    )
    scheduled_end = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the published schedule ends its last operation, or null.",
    )

    class Meta:
        model = ProductionOrder
        fields = (
            "plant",
            "external_ref",
            "item",
            "quantity",
            "release_at",
            "due_at",
            "priority",
            "status",
            "completed_quantity",
            "scheduled_start",
            "scheduled_end",
            "created_at",
            "updated_at",
        )


class OrderFields(serializers.Serializer[Any]):
    item = serializers.CharField(max_length=40, help_text="Code of a made item of the plant.")
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), help_text="How many to make."
    )
    release_at = serializers.DateTimeField(help_text="Not to start before (material ready).")
    due_at = serializers.DateTimeField(help_text="Due by; after release_at.")
    priority = serializers.ChoiceField(
        choices=ProductionOrder.Priority.choices,
        default=ProductionOrder.Priority.NORMAL,
        help_text="1 low, 2 normal, 3 high, 4 rush.",
    )
    status = serializers.ChoiceField(
        choices=SETTABLE_STATUSES,
        required=False,
        help_text="open or released; left out, a stored order keeps its status. Cancel with "
        "the cancel command; progress comes from the shop floor.",
    )


@extend_schema_serializer(
    component_name="ProductionOrderPut",
    examples=[OpenApiExample("A new order", value=ORDER_EXAMPLE, request_only=True)],
)
class OrderInput(OrderFields):
    """The whole order (PUT replaces it); the reference and plant come from the URL."""


@extend_schema_serializer(component_name="ProductionOrderRow")
class OrderRowInput(OrderFields):
    external_ref = serializers.CharField(
        max_length=60, validators=[code_validator], help_text="The order's number in the ERP."
    )


MAX_BULK_ROWS = 10_000


@extend_schema_serializer(
    component_name="ProductionOrderBulk",
    examples=[
        OpenApiExample(
            "Two orders",
            value={
                "orders": [
                    {"external_ref": "SO-1001", **ORDER_EXAMPLE},
                    {"external_ref": "SO-1002", **ORDER_EXAMPLE, "priority": 4},
                ]
            },
            request_only=True,
        )
    ],
)
class OrderBulkInput(serializers.Serializer[Any]):
    orders = OrderRowInput(many=True, max_length=MAX_BULK_ROWS, allow_empty=False)  # type: ignore[call-arg]


@extend_schema_serializer(
    component_name="ProductionOrderBulkResult",
    examples=[
        OpenApiExample(
            "Saved",
            value={"created": ["SO-1001"], "updated": ["SO-1002"], "unchanged": []},
            response_only=True,
        )
    ],
)
class OrderBulkOutput(serializers.Serializer[Any]):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())


def row_errors_of(errors: Any) -> list[dict[str, Any]]:
    """DRF's errors of a bulk body as [{"row", "field", "message"}], rows counted from 0.

    DRF reports rows as a list (one entry per row) or as {index: errors}; anything else is
    about the body as a whole (row null).
    """
    rows = errors.get("orders", errors) if isinstance(errors, dict) else errors
    if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
        indexed = list(enumerate(rows))
    elif isinstance(rows, dict) and rows and all(isinstance(k, int) for k in rows):
        indexed = sorted(rows.items())
    else:
        messages = rows.values() if isinstance(rows, dict) else [rows]
        return [
            {"row": None, "field": "orders", "message": str(message)}
            for group in messages
            for message in (group if isinstance(group, list) else [group])
        ]
    return [
        {"row": index, "field": name, "message": str(message)}
        for index, row in indexed
        for name, messages in row.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]
