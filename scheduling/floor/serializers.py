"""The shop-floor API contract (machine terminals, MES): input and output shapes apart."""

from __future__ import annotations

from rest_framework import serializers

from scheduling.floor.actions import MACHINE_ACTIONS, STEP_ACTIONS


class OperationEventIn(serializers.Serializer):
    id = serializers.UUIDField(
        help_text="Chosen by the client, once per tap. Sending it again (a retry) returns the "
        "first answer and changes nothing."
    )
    plant = serializers.CharField(help_text="Plant code.")
    order = serializers.CharField(help_text="The order's external reference.")
    operation = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="Routing step number (e.g. 10)."
    )
    action = serializers.ChoiceField(choices=STEP_ACTIONS)
    machine = serializers.CharField(
        required=False, help_text="Machine code; needed to start, ignored afterwards."
    )
    good = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=0,
        required=False,
        help_text="To report or complete: good made since the last report.",
    )
    scrap = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=0,
        required=False,
        help_text="To report or complete: scrap since the last report.",
    )
    confirm_over_quantity = serializers.BooleanField(
        default=False,
        help_text="Record good + scrap more than FLOOR_QUANTITY_TOLERANCE_PCT over the order "
        "quantity (refused with 422 quantity_above_order otherwise).",
    )
    reason = serializers.CharField(required=False, help_text="Downtime reason code, to pause.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    operator = serializers.CharField(required=False, help_text="Badge number of the operator.")


class MachineEventIn(serializers.Serializer):
    id = serializers.UUIDField(help_text="Chosen by the client; a retry returns the first answer.")
    plant = serializers.CharField(help_text="Plant code.")
    machine = serializers.CharField(help_text="Machine code.")
    action = serializers.ChoiceField(choices=MACHINE_ACTIONS)
    reason = serializers.CharField(required=False, help_text="Reason code (down, downtime).")
    expected_return = serializers.DateTimeField(
        required=False, help_text="When a machine marked down is expected back."
    )
    minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Length of a downtime that is already over.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    operator = serializers.CharField(required=False, help_text="Badge number of the operator.")


class ExecutionOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    order = serializers.CharField()
    sequence = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["planned", "running", "paused", "completed"])
    version = serializers.IntegerField(help_text="Send it back in If-Match to change this step.")
    machine = serializers.CharField(allow_null=True)
    good_quantity = serializers.CharField()
    scrap_quantity = serializers.CharField()
    actual_start = serializers.DateTimeField(allow_null=True)
    actual_end = serializers.DateTimeField(allow_null=True)


class MachineStateOut(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField(
        required=False,
        help_text="The machine's up/down version: If-Match to mark it down or up. Given in "
        "the list and in answers to machine events.",
    )


class EventOut(serializers.Serializer):
    id = serializers.UUIDField()
    replayed = serializers.BooleanField(help_text="True when this id had been recorded before.")
    kind = serializers.CharField()
    machine = MachineStateOut()
    operation = ExecutionOut(required=False)


class FloorOperationOut(serializers.Serializer):
    order = serializers.CharField(source="order.external_ref")
    item = serializers.CharField(source="order.item.code")
    quantity = serializers.DecimalField(source="order.quantity", max_digits=12, decimal_places=3)
    operation = serializers.IntegerField(source="operation.sequence")
    operation_name = serializers.CharField(source="operation.name")
    status = serializers.CharField()
    version = serializers.IntegerField()
    planned_start = serializers.DateTimeField(source="planned.start", allow_null=True)
    planned_end = serializers.DateTimeField(source="planned.end", allow_null=True)
    actual_start = serializers.DateTimeField(source="execution.actual_start", allow_null=True)
    good_quantity = serializers.DecimalField(
        source="execution.good_quantity", max_digits=12, decimal_places=3, allow_null=True
    )
    components = serializers.CharField(
        help_text="ready / short: … / empty when the step uses no components."
    )


class FloorListOut(serializers.Serializer):
    plant = serializers.CharField()
    machine = MachineStateOut()
    active = FloorOperationOut(many=True)
    next = FloorOperationOut(many=True)


class DowntimeReasonOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
