"""The ERP contract for schedule runs and the published schedule."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from scheduling.models import ScheduledOperation, ScheduleRun

RUN_EXAMPLE = {
    "id": 12,
    "plant": "NW1",
    "name": "Nightly plan",
    "status": "succeeded",
    "horizon_start": "2025-03-03T06:00:00Z",
    "horizon_end": "2025-03-24T06:00:00Z",
    "orders": 80,
    "settings": {"mode": "weighted", "time_limit_s": 60, "workers": 2, "seed": 0},
    "queued_at": "2025-03-03T05:00:01Z",
    "started_at": "2025-03-03T05:00:02Z",
    "finished_at": "2025-03-03T05:01:02Z",
    "best_objective": 18450,
    "bound": 17990,
    "gap": 0.0249,
    "elapsed_s": 60.2,
    "kpis": {"orders": 80, "operations": 289, "on_time_pct": 96.2, "makespan_h": 301.5},
    "error": "",
    "is_published": True,
    "published_at": "2025-03-03T06:15:00Z",
    "created_at": "2025-03-03T05:00:00Z",
    "updated_at": "2025-03-03T06:15:00Z",
}
OPERATION_EXAMPLE = {
    "run": 12,
    "order": "SO-77001",
    "item": "BRK-900",
    "quantity": "250.000",
    "operation": 20,
    "operation_name": "Mill",
    "machine": "MIL-02",
    "setup_start": "2025-03-05T08:00:00Z",
    "start": "2025-03-05T08:30:00Z",
    "end": "2025-03-05T18:55:00Z",
    "setup_minutes": 30,
    "due_at": "2025-03-14T16:00:00Z",
    "pinned": False,
}


@extend_schema_serializer(
    component_name="ScheduleRun",
    examples=[OpenApiExample("A finished run", value=RUN_EXAMPLE, response_only=True)],
)
class RunOutput(serializers.ModelSerializer[ScheduleRun]):
    plant = serializers.CharField(source="plant.code", read_only=True)
    orders = serializers.IntegerField(
        source="order_count", read_only=True, help_text="How many orders the run plans."
    )
    gap = serializers.FloatField(
        allow_null=True,
        read_only=True,
        help_text="Relative distance of the best schedule from the bound (0 = proven optimal).",
    )
    kpis = serializers.JSONField(
        read_only=True,
        help_text="On a run with a schedule: orders, operations, on_time_pct, late_orders, "
        "total_tardiness_h, makespan_at, makespan_h, changeover_h, overtime_h, overtime_cost, "
        "utilisation (per machine), utilisation_by_work_centre, gap. Empty before.",
    )
    settings = serializers.JSONField(read_only=True, help_text="Objective and time limit.")

    class Meta:
        model = ScheduleRun
        fields = (
            "id",
            "plant",
            "name",
            "status",
            "horizon_start",
            "horizon_end",
            "orders",
            "settings",
            "queued_at",
            "started_at",
            "finished_at",
            "best_objective",
            "bound",
            "gap",
            "elapsed_s",
            "kpis",
            "error",
            "is_published",
            "published_at",
            "created_at",
            "updated_at",
        )


@extend_schema_serializer(
    component_name="ScheduleRunStart",
    examples=[
        OpenApiExample(
            "Plan all open orders for three weeks",
            value={
                "plant": "NW1",
                "name": "Nightly plan",
                "horizon_start": "2025-03-03T06:00:00Z",
                "horizon_end": "2025-03-24T06:00:00Z",
                "settings": {"time_limit_s": 60},
            },
            request_only=True,
        )
    ],
)
class RunStartInput(serializers.Serializer[Any]):
    plant = serializers.CharField(help_text="Plant code.")
    name = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    horizon_start = serializers.DateTimeField()
    horizon_end = serializers.DateTimeField(help_text="At most 120 days after the start.")
    orders = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        allow_empty=False,
        help_text="External references to plan; left out, every open order of the plant.",
    )
    settings = serializers.DictField(
        required=False,
        help_text="Objective and limits: mode (weighted or lexicographic), weights, order, "
        "time_limit_s, workers, seed. Left out, the plant's defaults.",
    )


@extend_schema_serializer(
    component_name="ScheduledOperation",
    examples=[OpenApiExample("An operation", value=OPERATION_EXAMPLE, response_only=True)],
)
class ScheduledOperationOutput(serializers.ModelSerializer[ScheduledOperation]):
    run = serializers.IntegerField(source="run_id", read_only=True)
    order = serializers.CharField(source="order.external_ref", read_only=True)
    item = serializers.CharField(source="order.item.code", read_only=True)
    quantity = serializers.DecimalField(
        source="order.quantity", max_digits=12, decimal_places=3, read_only=True
    )
    operation = serializers.IntegerField(
        source="operation.sequence", read_only=True, help_text="Routing step number."
    )
    operation_name = serializers.CharField(source="operation.name", read_only=True)
    machine = serializers.CharField(
        source="machine_label", read_only=True, help_text="Machine code."
    )
    due_at = serializers.DateTimeField(source="order.due_at", read_only=True)

    class Meta:
        model = ScheduledOperation
        fields = (
            "run",
            "order",
            "item",
            "quantity",
            "operation",
            "operation_name",
            "machine",
            "setup_start",
            "start",
            "end",
            "setup_minutes",
            "due_at",
            "pinned",
        )


class DispatchOperationOut(serializers.Serializer):
    sequence = serializers.IntegerField(
        help_text="Position in the machine's published sequence, from 1."
    )
    order = serializers.CharField(source="order.external_ref")
    item = serializers.CharField(source="order.item.code")
    quantity = serializers.DecimalField(source="order.quantity", max_digits=12, decimal_places=3)
    operation = serializers.IntegerField(
        source="operation.sequence", help_text="Routing step number."
    )
    operation_name = serializers.CharField(source="operation.name")
    machine = serializers.CharField(source="machine_label")
    setup_start = serializers.DateTimeField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    due = serializers.DateTimeField(source="order.due_at")
    pinned = serializers.BooleanField()


class DispatchListOut(serializers.Serializer):
    plant = serializers.CharField()
    machine = serializers.CharField()
    run = serializers.IntegerField(allow_null=True, help_text="The published schedule run, if any.")
    published_at = serializers.DateTimeField(allow_null=True)
    operations = DispatchOperationOut(many=True)
