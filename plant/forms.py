"""Forms of the master-data pages. They validate and shape input; services do the writes."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from plant.errors import RuleViolation
from plant.models import (
    CalendarException,
    Item,
    Machine,
    Plant,
    ProductFamily,
    Shift,
    ShiftPattern,
    WorkCentre,
)
from plant.models.routings import MAX_MINUTES, MAX_SEQUENCE
from plant.services.routings import EligibleMachineSpec, OperationSpec


def show_rule_violation(form: forms.BaseForm, error: RuleViolation) -> None:
    """Put a service's RuleViolation on the form: its message on top, and on the fields it
    names (the message often says more, e.g. which exception it clashes with)."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    placed: list[str] = []
    for name, messages in detail.items():
        if name in form.fields and isinstance(messages, list):
            form.add_error(name, messages)
            placed.extend(str(m) for m in messages)
    if error.message not in placed:
        form.add_error(None, error.message)


class PlantForm(forms.Form):
    """A form whose choices are limited to one plant's records."""

    def __init__(self, *args: Any, plant: Plant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plant = plant
        for field_ in self.fields.values():
            if isinstance(field_, forms.ModelChoiceField) and field_.queryset is not None:
                field_.queryset = field_.queryset.filter(plant=plant)
            if isinstance(field_, PlantLocalDateTimeField):
                field_.tz = plant.tz


class PlantModelForm(forms.ModelForm):
    def __init__(self, *args: Any, plant: Plant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plant = plant
        for field_ in self.fields.values():
            if isinstance(field_, forms.ModelChoiceField) and field_.queryset is not None:
                field_.queryset = field_.queryset.filter(plant=plant)


# --- Plain records ------------------------------------------------------------------------


class WorkCentreForm(PlantModelForm):
    class Meta:
        model = WorkCentre
        fields = ["code", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MachineForm(PlantModelForm):
    class Meta:
        model = Machine
        fields = ["code", "name", "work_centre", "status", "shift_pattern"]
        labels = {"shift_pattern": "Shift pattern override"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shift_pattern"].empty_label = "Plant default"  # type: ignore[attr-defined]


class ProductFamilyForm(PlantModelForm):
    class Meta:
        model = ProductFamily
        fields = ["code", "name"]


class ItemForm(PlantModelForm):
    class Meta:
        model = Item
        fields = ["code", "name", "kind", "unit", "family"]
        widgets = {"kind": forms.RadioSelect}


class ShiftPatternForm(PlantModelForm):
    class Meta:
        model = ShiftPattern
        fields = ["name", "is_plant_default"]
        labels = {"is_plant_default": "The plant's default pattern"}


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["name", "weekday", "start_time", "end_time", "crosses_midnight"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {"crosses_midnight": "Ends after midnight (night shift)"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start is not None and end is not None:
            if not data.get("crosses_midnight") and end <= start:
                self.add_error(
                    "end_time",
                    "The shift ends before it starts. "
                    "For a night shift tick 'Ends after midnight'.",
                )
            elif data.get("crosses_midnight") and end > start:
                self.add_error(
                    "crosses_midnight", "A shift that ends after midnight ends before its start."
                )
        return data


# --- Calendars: plant-local input ---------------------------------------------------------


class PlantLocalDateTimeField(forms.DateTimeField):
    """Reads and shows wall-clock time in the plant's time zone, not the server's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    tz: dt.tzinfo = zoneinfo.ZoneInfo("UTC")

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(self.tz):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(self.tz):
            return super().prepare_value(value)


class CalendarExceptionForm(PlantForm):
    kind = forms.ChoiceField(choices=CalendarException.Kind.choices)
    machine = forms.ModelChoiceField(
        Machine.objects.all(), required=False, empty_label="Whole plant"
    )
    start = PlantLocalDateTimeField()
    end = PlantLocalDateTimeField()
    reason = forms.CharField(max_length=200, required=False)


class OvertimeOfferForm(PlantForm):
    machine = forms.ModelChoiceField(Machine.objects.all())
    start = PlantLocalDateTimeField()
    end = PlantLocalDateTimeField()
    cost_per_hour = forms.DecimalField(max_digits=10, decimal_places=2, label="Cost per hour")
    note = forms.CharField(max_length=200, required=False)


# --- BOM and changeovers ------------------------------------------------------------------


class BOMLineForm(forms.Form):
    component = forms.ModelChoiceField(Item.objects.none(), empty_label="Choose a component…")
    quantity = forms.DecimalField(max_digits=12, decimal_places=4, label="Quantity per unit")

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = candidates  # type: ignore[attr-defined]


class BOMQuantityForm(forms.Form):
    quantity = forms.DecimalField(max_digits=12, decimal_places=4)


class ChangeoverCellForm(PlantForm):
    from_family = forms.ModelChoiceField(ProductFamily.objects.all())
    to_family = forms.ModelChoiceField(ProductFamily.objects.all())
    minutes = forms.IntegerField(
        required=False, max_value=MAX_MINUTES, help_text="Empty removes the entry."
    )


# --- List filters -------------------------------------------------------------------------


class SearchForm(PlantForm):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search code or name"}),
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class MachineFilterForm(SearchForm):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Machine.Status.choices], required=False
    )
    work_centre = forms.ModelChoiceField(
        WorkCentre.objects.all(), required=False, empty_label="All work centres"
    )


class ItemFilterForm(SearchForm):
    kind = forms.ChoiceField(choices=[("", "Made and bought"), *Item.Kind.choices], required=False)
    family = forms.ModelChoiceField(
        ProductFamily.objects.all(), required=False, empty_label="All families"
    )


# --- Routing editor -----------------------------------------------------------------------
# One HTML form holds every operation (prefix op-<i>) and, inside each, its eligible machines
# (prefix op-<i>-m-<j>). Rows can be added and removed in the browser, so indices have gaps;
# the order of the posted fields is the order on screen.

OP_KEY = re.compile(r"^op-(\d+)-sequence$")
MACHINE_KEY = re.compile(r"^op-(\d+)-m-(\d+)-machine$")


class OperationRowForm(forms.Form):
    # Upper bounds only: below zero the routing service names the rule in its own words.
    sequence = forms.IntegerField(
        max_value=MAX_SEQUENCE, widget=forms.NumberInput(attrs={"class": "num"})
    )
    name = forms.CharField(max_length=120)
    work_centre = forms.TypedChoiceField(coerce=int)
    can_pause = forms.BooleanField(required=False, label="Can pause")
    min_wait_minutes = forms.IntegerField(
        max_value=MAX_MINUTES,
        initial=0,
        label="Min wait",
        widget=forms.NumberInput(attrs={"class": "num"}),
    )
    max_wait_minutes = forms.IntegerField(
        max_value=MAX_MINUTES,
        required=False,
        label="Max wait",
        widget=forms.NumberInput(attrs={"class": "num"}),
    )

    def __init__(self, *args: Any, choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_centre"].choices = choices  # type: ignore[attr-defined]


class MachineRowForm(forms.Form):
    machine = forms.TypedChoiceField(coerce=int)
    setup_minutes = forms.IntegerField(
        max_value=MAX_MINUTES,
        initial=0,
        label="Setup min",
        widget=forms.NumberInput(attrs={"class": "num"}),
    )
    run_minutes_per_unit = forms.DecimalField(
        max_digits=10,
        decimal_places=3,
        label="Run min/unit",
        widget=forms.NumberInput(attrs={"class": "num", "step": "0.001"}),
    )

    def __init__(self, *args: Any, choices: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["machine"].choices = choices  # type: ignore[attr-defined]


@dataclass
class OperationRow:
    index: int
    form: OperationRowForm
    machines: list[MachineRowForm] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class RoutingEditor:
    """The routing of one item as editable rows; turns valid rows into OperationSpecs."""

    def __init__(self, item: Item, data: Any = None) -> None:
        self.item = item
        self.data = data
        self.errors: list[str] = []
        self.work_centres = {wc.pk: wc for wc in WorkCentre.objects.filter(plant=item.plant_id)}
        self.machine_objects = {
            m.pk: m
            for m in Machine.objects.filter(plant=item.plant_id).select_related("work_centre")
        }
        self.notes = data.get("notes", "") if data is not None else ""
        self.rows = self._rows_from_data(data) if data is not None else []

    # Choices are built once and shared by every row, so the page costs no query per row.
    def work_centre_choices(self) -> list[tuple[Any, str]]:
        return [("", "Work centre…")] + [(pk, str(wc)) for pk, wc in self.work_centres.items()]

    def machine_choices(self) -> list[tuple[Any, Any]]:
        groups: dict[str, list[tuple[int, str]]] = {}
        for pk, m in self.machine_objects.items():
            groups.setdefault(m.work_centre.name, []).append((pk, str(m)))
        return [("", "Machine…"), *groups.items()]

    def operation_form(self, index: int, initial: dict[str, Any] | None = None) -> OperationRowForm:
        return OperationRowForm(
            self.data if initial is None else None,
            initial=initial,
            prefix=f"op-{index}",
            choices=self.work_centre_choices(),
        )

    def machine_form(
        self, op_index: int, index: int, initial: dict[str, Any] | None = None
    ) -> MachineRowForm:
        return MachineRowForm(
            self.data if initial is None else None,
            initial=initial,
            prefix=f"op-{op_index}-m-{index}",
            choices=self.machine_choices(),
        )

    def _rows_from_data(self, data: Any) -> list[OperationRow]:
        rows: dict[int, OperationRow] = {}
        for key in data:
            if match := OP_KEY.match(key):
                i = int(match[1])
                rows[i] = OperationRow(index=i, form=self.operation_form(i))
        for key in data:
            if (match := MACHINE_KEY.match(key)) and int(match[1]) in rows:
                op_index, index = int(match[1]), int(match[2])
                rows[op_index].machines.append(self.machine_form(op_index, index))
        return list(rows.values())

    def load(self, operations: list[Any], notes: str = "") -> None:
        """Rows for an existing routing's operations (with eligible machines prefetched)."""
        self.notes = notes
        for i, op in enumerate(operations):
            form = self.operation_form(
                i,
                {
                    "sequence": op.sequence,
                    "name": op.name,
                    "work_centre": op.work_centre_id,
                    "can_pause": op.can_pause,
                    "min_wait_minutes": op.min_wait_minutes,
                    "max_wait_minutes": op.max_wait_minutes,
                },
            )
            machines = [
                self.machine_form(
                    i,
                    j,
                    {
                        "machine": em.machine_id,
                        "setup_minutes": em.setup_minutes,
                        "run_minutes_per_unit": em.run_minutes_per_unit,
                    },
                )
                for j, em in enumerate(op.eligible_machines.all())
            ]
            self.rows.append(OperationRow(index=i, form=form, machines=machines))

    def is_valid(self) -> bool:
        valid = True
        for row in self.rows:
            valid &= row.form.is_valid()
            for machine_form in row.machines:
                valid &= machine_form.is_valid()
        return valid

    def specs(self) -> list[OperationSpec]:
        return [
            OperationSpec(
                sequence=row.form.cleaned_data["sequence"],
                name=row.form.cleaned_data["name"],
                work_centre=self.work_centres[row.form.cleaned_data["work_centre"]],
                can_pause=row.form.cleaned_data["can_pause"],
                min_wait_minutes=row.form.cleaned_data["min_wait_minutes"],
                max_wait_minutes=row.form.cleaned_data["max_wait_minutes"],
                machines=[
                    EligibleMachineSpec(
                        machine=self.machine_objects[m.cleaned_data["machine"]],
                        setup_minutes=m.cleaned_data["setup_minutes"],
                        run_minutes_per_unit=Decimal(m.cleaned_data["run_minutes_per_unit"]),
                    )
                    for m in row.machines
                ],
            )
            for row in self.rows
        ]

    def show(self, error: RuleViolation) -> None:
        """Attach the service's per-operation errors to the rows they are about."""
        detail = error.detail if isinstance(error.detail, dict) else {"routing": [error.message]}
        by_sequence = {row.form.cleaned_data.get("sequence"): row for row in self.rows}
        for key, messages in detail.items():
            seq = key.removeprefix("operation ")
            row = by_sequence.get(int(seq)) if seq.lstrip("-").isdigit() else None
            (row.errors if row else self.errors).extend(messages)
