"""The ERP/MES contract for schedules: output shapes kept apart from the models."""

from __future__ import annotations

from rest_framework import serializers


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
