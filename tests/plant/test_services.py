"""Master-data rules: bad input gets a clear message and nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plant.errors import InUse, RuleViolation
from plant.models import BOMLine, CalendarException, Operation, Routing, Shift
from plant.services.boms import set_bom_line
from plant.services.calendars import save_calendar_exception, save_overtime_offer
from plant.services.records import delete_record
from plant.services.routings import EligibleMachineSpec, OperationSpec, save_routing
from tests.factories.plant import ItemFactory, MachineFactory, ShiftPatternFactory, routed_item

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def op(seq: int, machines, **kwargs):
    return OperationSpec(
        sequence=seq,
        name=kwargs.pop("name", f"Op {seq}"),
        work_centre=kwargs.pop("work_centre", machines[0].work_centre if machines else None),
        machines=[
            EligibleMachineSpec(machine=m, run_minutes_per_unit=kwargs.pop("run", Decimal("2")))
            for m in machines
        ],
        **kwargs,
    )


def test_a_routing_without_operations_is_refused(plant) -> None:
    item = ItemFactory(plant=plant)
    with pytest.raises(RuleViolation, match="at least one operation"):
        save_routing(item=item, operations=[])
    assert not Routing.objects.exists()


def test_an_operation_with_no_eligible_machine_is_refused_and_nothing_is_saved(plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    item = ItemFactory(plant=plant)
    bad = OperationSpec(sequence=20, name="Deburr", work_centre=machine.work_centre, machines=[])
    with pytest.raises(RuleViolation) as error:
        save_routing(item=item, operations=[op(10, [machine]), bad])
    assert "Deburr" in error.value.message and "no eligible machine" in error.value.message
    assert error.value.detail == {"operation 20": ["Operation 'Deburr' has no eligible machine."]}
    assert not Routing.objects.exists() and not Operation.objects.exists()


def test_negative_times_are_refused(plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    item = ItemFactory(plant=plant)
    with pytest.raises(RuleViolation) as error:
        save_routing(
            item=item, operations=[op(10, [machine], run=Decimal("-1"), min_wait_minutes=-5)]
        )
    assert error.value.detail["operation 10"] == [
        "The minimum wait cannot be negative.",
        f"Run minutes per unit on {machine.code} must be more than zero.",
    ]


def test_a_machine_of_another_plant_cannot_be_eligible(plant, other_plant) -> None:
    mine = MachineFactory(work_centre__plant=plant)
    theirs = MachineFactory(work_centre__plant=other_plant)
    with pytest.raises(RuleViolation, match="another plant"):
        save_routing(
            item=ItemFactory(plant=plant),
            operations=[op(10, [mine, theirs], work_centre=mine.work_centre)],
        )


def test_saving_a_routing_again_replaces_its_operations_by_sequence(plant) -> None:
    a, b = MachineFactory(work_centre__plant=plant), MachineFactory(work_centre__plant=plant)
    item = routed_item(plant, [a, b], steps=3)
    kept = item.routing.operations.get(sequence=10)
    save_routing(item=item, operations=[op(10, [b], name="Cut"), op(40, [a])])
    assert list(item.routing.operations.values_list("sequence", "name")) == [
        (10, "Cut"),
        (40, "Op 40"),
    ]
    assert item.routing.operations.get(sequence=10).pk == kept.pk
    assert [
        m.machine for m in item.routing.operations.get(sequence=10).eligible_machines.all()
    ] == [b]


def test_a_bom_cycle_is_refused_with_the_loop_named(plant) -> None:
    a, b, c = (ItemFactory(plant=plant, code=code) for code in ("A", "B", "C"))
    set_bom_line(parent=a, component=b, quantity=Decimal("2"))
    set_bom_line(parent=b, component=c, quantity=Decimal("1"))
    with pytest.raises(RuleViolation, match="cycle in the BOM: C → A → B → C"):
        set_bom_line(parent=c, component=a, quantity=Decimal("1"))
    assert BOMLine.objects.count() == 2


def test_a_bom_line_needs_a_positive_quantity_and_a_made_parent(plant) -> None:
    parent, part = ItemFactory(plant=plant), ItemFactory(plant=plant, kind="bought")
    with pytest.raises(RuleViolation, match="more than zero"):
        set_bom_line(parent=parent, component=part, quantity=Decimal("0"))
    with pytest.raises(RuleViolation, match="only made items"):
        set_bom_line(parent=part, component=parent, quantity=Decimal("1"))


def test_overlapping_calendar_exceptions_of_one_scope_are_refused(plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    start = dt.datetime(2026, 12, 24, tzinfo=UTC)
    save_calendar_exception(
        plant=plant, kind="holiday", start=start, end=start + dt.timedelta(days=2)
    )
    with pytest.raises(RuleViolation, match="overlaps holiday"):
        save_calendar_exception(
            plant=plant,
            kind="holiday",
            start=start + dt.timedelta(days=1),
            end=start + dt.timedelta(days=3),
        )
    # Another scope (one machine) may overlap the plant-wide holiday.
    save_calendar_exception(
        plant=plant,
        kind="maintenance",
        machine=machine,
        start=start,
        end=start + dt.timedelta(hours=4),
    )
    assert CalendarException.objects.count() == 2


def test_an_exception_or_overtime_ending_before_it_starts_is_refused(plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    start = dt.datetime(2026, 12, 1, 8, tzinfo=UTC)
    with pytest.raises(RuleViolation, match="end must be after the start"):
        save_calendar_exception(plant=plant, kind="holiday", start=start, end=start)
    with pytest.raises(RuleViolation, match="end must be after the start"):
        save_overtime_offer(
            machine=machine,
            start=start,
            end=start - dt.timedelta(hours=1),
            cost_per_hour=Decimal("50"),
        )
    with pytest.raises(RuleViolation, match="cannot be negative"):
        save_overtime_offer(
            machine=machine,
            start=start,
            end=start + dt.timedelta(hours=1),
            cost_per_hour=Decimal("-1"),
        )


def test_the_database_refuses_a_shift_ending_before_it_starts(plant) -> None:
    pattern = ShiftPatternFactory(plant=plant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(
            pattern=pattern, weekday=0, start_time=dt.time(14), end_time=dt.time(6)
        )
    Shift.objects.create(
        pattern=pattern,
        weekday=0,
        start_time=dt.time(22),
        end_time=dt.time(6),
        crosses_midnight=True,
    )


def test_a_machine_in_use_by_a_routing_cannot_be_deleted(plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    routed_item(plant, [machine])
    with pytest.raises(InUse, match="still used by"):
        delete_record(record=machine)
