"""The master-data contract, what clients send: the input serializers.

They validate what clients send and resolve references by code within the record's plant, as
an ERP would send them (a machine's `work_centre` is the work centre's code, a routing's
machines are machine codes). Writes go through the services; nothing here saves. What clients
read is shaped by `plant.api.outputs`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from plant.api.fields import WallClockTimeField
from plant.models import (
    CalendarException,
    Item,
    Machine,
    Plant,
    ProductFamily,
    Routing,
    Shift,
    ShiftPattern,
    WorkCentre,
)
from plant.models.routings import MAX_MINUTES, MAX_SEQUENCE
from plant.services.routings import EligibleMachineSpec, OperationSpec
from plant.services.shift_patterns import ShiftSpec


@extend_schema_field({"type": "string", "description": "Plant code."})
class PlantCodeField(serializers.SlugRelatedField[Plant]):
    """A plant code the caller belongs to; another plant's code reads as unknown."""

    default_error_messages = {"does_not_exist": "There is no plant with code '{value}'."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Plant code. Required on create; a record never moves.")
        super().__init__(slug_field="code", required=False, **kwargs)

    def get_queryset(self) -> models.QuerySet[Plant]:
        return Plant.objects.for_user(self.context["request"].user)


def find_by_code(model: Any, plant: Plant, value: str, *, lookup: str = "code") -> Any:
    """The plant's record of `model` with this code, or a ValidationError naming it."""
    try:
        return model.objects.get(plant=plant, **{lookup: value})
    except model.DoesNotExist:
        label = str(model._meta.verbose_name).capitalize()
        raise serializers.ValidationError(
            f"{label} '{value}' does not exist in plant {plant.code}."
        ) from None


class PlantRecordInput(serializers.Serializer[Any]):
    """Base of the inputs: resolves the plant and the `references` fields by code.

    The view passes the record's own plant as context["plant"] on update.
    """

    plant = PlantCodeField()
    references: dict[str, tuple[type[models.Model], str]] = {}

    def resolve_plant(self, attrs: dict[str, Any]) -> Plant:
        current: Plant | None = self.context.get("plant")
        given: Plant | None = attrs.get("plant")
        if current is None:
            if given is None:
                raise serializers.ValidationError({"plant": ["This field is required."]})
            return given
        if given is not None and given.pk != current.pk:
            raise serializers.ValidationError({"plant": ["A record cannot move to another plant."]})
        return current

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        plant = self.resolve_plant(attrs)
        attrs["plant"] = plant
        errors: dict[str, list[str]] = {}
        for name, (model, lookup) in self.references.items():
            if name not in attrs:
                continue
            if attrs[name] in (None, ""):
                attrs[name] = None
                continue
            try:
                attrs[name] = find_by_code(model, plant, attrs[name], lookup=lookup)
            except serializers.ValidationError as error:
                errors[name] = list(error.detail)  # type: ignore[arg-type]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _ref(help_text: str, *, required: bool = True) -> serializers.CharField:
    if required:
        return serializers.CharField(help_text=help_text)
    return serializers.CharField(
        help_text=help_text, required=False, allow_null=True, allow_blank=True
    )


@extend_schema_serializer(component_name="WorkCentre")
class WorkCentreInput(PlantRecordInput):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)


@extend_schema_serializer(component_name="Machine")
class MachineInput(PlantRecordInput):
    references = {
        "work_centre": (WorkCentre, "code"),
        "shift_pattern": (ShiftPattern, "name"),
    }
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)
    work_centre = _ref("Code of a work centre in the same plant.")
    status = serializers.ChoiceField(choices=Machine.Status.choices, required=False)
    shift_pattern = _ref(
        "Name of a shift pattern of the plant overriding its default; null for none.",
        required=False,
    )


@extend_schema_serializer(component_name="ProductFamily")
class ProductFamilyInput(PlantRecordInput):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)


@extend_schema_serializer(component_name="Item")
class ItemInput(PlantRecordInput):
    references = {"family": (ProductFamily, "code")}
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=160)
    kind = serializers.ChoiceField(choices=Item.Kind.choices, required=False)
    unit = serializers.ChoiceField(choices=Item.Unit.choices, required=False)
    family = _ref("Code of a product family of the plant; null for none.", required=False)


@extend_schema_serializer(component_name="Changeover")
class ChangeoverInput(PlantRecordInput):
    references = {
        "from_family": (ProductFamily, "code"),
        "to_family": (ProductFamily, "code"),
        "work_centre": (WorkCentre, "code"),
        "machine": (Machine, "code"),
    }
    from_family = _ref("Product family code changed over from.")
    to_family = _ref("Product family code changed over to.")
    work_centre = _ref("Work centre code (give this or `machine`).", required=False)
    machine = _ref("Machine code (give this or `work_centre`).", required=False)
    minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)


@extend_schema_serializer(component_name="BOMLine")
class BOMLineInput(serializers.Serializer[Any]):
    component = serializers.CharField(help_text="Code of the component item, same plant.")
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=4, help_text="Quantity of the component per parent unit."
    )


@extend_schema_serializer(component_name="EligibleMachine")
class EligibleMachineInput(serializers.Serializer[Any]):
    machine = serializers.CharField(help_text="Machine code in the routing's plant.")
    setup_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES, default=0)
    run_minutes_per_unit = serializers.DecimalField(max_digits=10, decimal_places=3)


@extend_schema_serializer(component_name="Operation")
class OperationInput(serializers.Serializer[Any]):
    sequence = serializers.IntegerField(min_value=1, max_value=MAX_SEQUENCE)
    name = serializers.CharField(max_length=120)
    work_centre = serializers.CharField(help_text="Work centre code in the routing's plant.")
    can_pause = serializers.BooleanField(default=False)
    min_wait_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES, default=0)
    max_wait_minutes = serializers.IntegerField(
        min_value=0, max_value=MAX_MINUTES, allow_null=True, default=None
    )
    machines = EligibleMachineInput(many=True)


@extend_schema_serializer(component_name="Routing")
class RoutingInput(PlantRecordInput):
    item = serializers.CharField(
        required=False, help_text="Code of the made item. Required on create; never changes."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    operations = OperationInput(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        plant = self.resolve_plant(attrs)
        current: Routing | None = self.context.get("routing")
        if current is None:
            if not attrs.get("item"):
                raise serializers.ValidationError({"item": ["This field is required."]})
            try:
                item = find_by_code(Item, plant, attrs["item"])
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"item": error.detail}) from None
        else:
            item = current.item
            if attrs.get("item") not in (None, item.code):
                raise serializers.ValidationError(
                    {"item": ["A routing cannot move to another item."]}
                )
        return {"item": item, "notes": attrs["notes"], "operations": self._specs(plant, attrs)}

    def _specs(self, plant: Plant, attrs: dict[str, Any]) -> list[OperationSpec]:
        ops = attrs["operations"]
        centres = {w.code: w for w in WorkCentre.objects.filter(plant=plant)}
        machines = {
            m.code: m
            for m in Machine.objects.filter(
                plant=plant, code__in={m["machine"] for op in ops for m in op["machines"]}
            )
        }
        errors = [
            f"Operation {op['sequence']}: {label} '{code}' does not exist in plant {plant.code}."
            for op in ops
            for label, code, known in [
                ("work centre", op["work_centre"], centres),
                *(("machine", m["machine"], machines) for m in op["machines"]),
            ]
            if code not in known
        ]
        if errors:
            raise serializers.ValidationError({"operations": errors})
        return [
            OperationSpec(
                sequence=op["sequence"],
                name=op["name"],
                work_centre=centres[op["work_centre"]],
                can_pause=op["can_pause"],
                min_wait_minutes=op["min_wait_minutes"],
                max_wait_minutes=op["max_wait_minutes"],
                machines=[
                    EligibleMachineSpec(
                        machine=machines[m["machine"]],
                        setup_minutes=m["setup_minutes"],
                        run_minutes_per_unit=m["run_minutes_per_unit"],
                    )
                    for m in op["machines"]
                ],
            )
            for op in ops
        ]


@extend_schema_serializer(component_name="Shift")
class ShiftInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=40, default="Shift")
    weekday = serializers.ChoiceField(
        choices=Shift.Weekday.choices, help_text="0 = Monday … 6 = Sunday."
    )
    start_time = WallClockTimeField(help_text="Plant-local wall-clock time.")
    end_time = WallClockTimeField(help_text="Plant-local wall-clock time.")
    crosses_midnight = serializers.BooleanField(default=False)


@extend_schema_serializer(component_name="ShiftPattern")
class ShiftPatternInput(PlantRecordInput):
    name = serializers.CharField(max_length=80)
    is_plant_default = serializers.BooleanField(default=False)
    shifts = ShiftInput(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        attrs["shifts"] = [ShiftSpec(**shift) for shift in attrs["shifts"]]
        return attrs


@extend_schema_serializer(component_name="CalendarException")
class CalendarExceptionInput(PlantRecordInput):
    references = {"machine": (Machine, "code")}
    kind = serializers.ChoiceField(choices=CalendarException.Kind.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    machine = _ref("Machine code; leave out for the whole plant.", required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="OvertimeOffer")
class OvertimeOfferInput(PlantRecordInput):
    references = {"machine": (Machine, "code")}
    machine = _ref("Code of the machine offered for overtime.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    cost_per_hour = serializers.DecimalField(max_digits=10, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
