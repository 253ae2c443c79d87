"""The master-data contract, what clients read: the output serializers.

They shape records as an ERP reads them, references as codes (a machine's `work_centre` is
the work centre's code). What clients send is validated by `plant.api.inputs`; the error
shape is `plant.api.errors.ErrorOutput`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from plant.api.examples import output_schema
from plant.api.fields import WallClockTimeField
from plant.models import (
    BOMLine,
    CalendarException,
    Changeover,
    Item,
    Machine,
    Operation,
    OperationMachine,
    OvertimeOffer,
    Plant,
    ProductFamily,
    Routing,
    Shift,
    ShiftPattern,
    WorkCentre,
)

TIMESTAMPS = ("created_at", "updated_at")


def _code(**kwargs: Any) -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


@output_schema("Plant")
class PlantOutput(serializers.ModelSerializer[Plant]):
    class Meta:
        model = Plant
        fields = ("id", "code", "name", "time_zone", *TIMESTAMPS)


@output_schema("WorkCentre")
class WorkCentreOutput(serializers.ModelSerializer[WorkCentre]):
    plant = _code()

    class Meta:
        model = WorkCentre
        fields = ("id", "plant", "code", "name", "description", *TIMESTAMPS)


@output_schema("Machine")
class MachineOutput(serializers.ModelSerializer[Machine]):
    plant = _code()
    work_centre = _code(help_text="Code of the machine's work centre.")
    shift_pattern: serializers.SlugRelatedField[ShiftPattern] = serializers.SlugRelatedField(
        slug_field="name",
        read_only=True,
        allow_null=True,
        help_text="Name of the shift pattern overriding the plant default, or null.",
    )

    class Meta:
        model = Machine
        fields = (
            "id",
            "plant",
            "code",
            "name",
            "work_centre",
            "status",
            "shift_pattern",
            *TIMESTAMPS,
        )


@output_schema("ProductFamily")
class ProductFamilyOutput(serializers.ModelSerializer[ProductFamily]):
    plant = _code()

    class Meta:
        model = ProductFamily
        fields = ("id", "plant", "code", "name", *TIMESTAMPS)


@output_schema("Item")
class ItemOutput(serializers.ModelSerializer[Item]):
    plant = _code()
    family = _code(allow_null=True, help_text="Product family code, or null.")

    class Meta:
        model = Item
        fields = ("id", "plant", "code", "name", "kind", "unit", "family", *TIMESTAMPS)


@output_schema("BOMLine")
class BOMLineOutput(serializers.ModelSerializer[BOMLine]):
    # The metaclass moves declared fields off the class, so this does not shadow Field.parent.
    parent = _code(help_text="Code of the made item.")  # type: ignore[assignment]
    component = _code(help_text="Code of the component item.")

    class Meta:
        model = BOMLine
        fields = ("id", "parent", "component", "quantity", *TIMESTAMPS)


@extend_schema_serializer(component_name="EligibleMachine")
class EligibleMachineOutput(serializers.ModelSerializer[OperationMachine]):
    machine = _code()

    class Meta:
        model = OperationMachine
        fields = ("machine", "setup_minutes", "run_minutes_per_unit")


@extend_schema_serializer(component_name="Operation")
class OperationOutput(serializers.ModelSerializer[Operation]):
    work_centre = _code()
    machines = EligibleMachineOutput(many=True, read_only=True, source="eligible_machines")

    class Meta:
        model = Operation
        fields = (
            "sequence",
            "name",
            "work_centre",
            "can_pause",
            "min_wait_minutes",
            "max_wait_minutes",
            "machines",
        )


@output_schema("Routing")
class RoutingOutput(serializers.ModelSerializer[Routing]):
    plant = serializers.CharField(source="item.plant.code", read_only=True)
    item = _code(help_text="Code of the made item.")
    operations = OperationOutput(many=True, read_only=True)

    class Meta:
        model = Routing
        fields = ("id", "plant", "item", "notes", "operations", *TIMESTAMPS)


@output_schema("Changeover")
class ChangeoverOutput(serializers.ModelSerializer[Changeover]):
    plant = _code()
    from_family = _code()
    to_family = _code()
    work_centre = _code(allow_null=True)
    machine = _code(allow_null=True)

    class Meta:
        model = Changeover
        fields = (
            "id",
            "plant",
            "from_family",
            "to_family",
            "work_centre",
            "machine",
            "minutes",
            *TIMESTAMPS,
        )


@extend_schema_serializer(component_name="Shift")
class ShiftOutput(serializers.ModelSerializer[Shift]):
    start_time = WallClockTimeField(read_only=True)
    end_time = WallClockTimeField(read_only=True)

    class Meta:
        model = Shift
        fields = ("name", "weekday", "start_time", "end_time", "crosses_midnight")


@output_schema("ShiftPattern")
class ShiftPatternOutput(serializers.ModelSerializer[ShiftPattern]):
    plant = _code()
    shifts = ShiftOutput(many=True, read_only=True)

    class Meta:
        model = ShiftPattern
        fields = ("id", "plant", "name", "is_plant_default", "shifts", *TIMESTAMPS)


@output_schema("CalendarException")
class CalendarExceptionOutput(serializers.ModelSerializer[CalendarException]):
    plant = _code()
    machine = _code(allow_null=True, help_text="Machine code, or null for the whole plant.")

    class Meta:
        model = CalendarException
        fields = ("id", "plant", "machine", "kind", "start", "end", "reason", *TIMESTAMPS)


@output_schema("OvertimeOffer")
class OvertimeOfferOutput(serializers.ModelSerializer[OvertimeOffer]):
    plant = _code()
    machine = _code()

    class Meta:
        model = OvertimeOffer
        fields = (
            "id",
            "plant",
            "machine",
            "start",
            "end",
            "cost_per_hour",
            "note",
            *TIMESTAMPS,
        )
