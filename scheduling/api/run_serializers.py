"""The ERP contract for schedule runs and the published schedule."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from scheduling.models import ScheduledOperation, ScheduleRun


@extend_schema_serializer(component_name="ScheduleRun")
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


@extend_schema_serializer(component_name="ScheduledOperation")
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
