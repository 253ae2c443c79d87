"""Why each late order is late, on runs built by hand: the shape of the data is fixed, so every
branch of the analysis runs on every day, whatever a solve would have produced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plant.models import Operation
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.selectors import late_order_reasons
from tests.factories.plant import MachineFactory, WorkCentreFactory, routed_item
from tests.factories.scheduling import OrderFactory

pytestmark = pytest.mark.django_db

ORIGIN = dt.datetime(2027, 3, 1, 6, 0, tzinfo=dt.UTC)  # a Monday
HORIZON_MIN = 7 * 24 * 60


def at(minutes: int) -> dt.datetime:
    return ORIGIN + dt.timedelta(minutes=minutes)


@pytest.fixture
def machines(plant):
    centre = WorkCentreFactory(plant=plant, code="MILL")
    return [MachineFactory(work_centre=centre, code=code) for code in ("MIL-01", "MIL-02")]


def finished_run(plant, windows: dict[str, dict[str, list[list[int]]]]) -> ScheduleRun:
    return ScheduleRun.objects.create(
        plant=plant,
        name="By hand",
        status=ScheduleRun.Status.SUCCEEDED,
        horizon_start=ORIGIN,
        horizon_end=at(HORIZON_MIN),
        machine_windows=windows,
    )


def place(run: ScheduleRun, order: ProductionOrder, steps: list[tuple[str, int, int]]) -> None:
    """Each routing step of the order on (machine, start, end), in minutes from the origin."""
    operations = Operation.objects.filter(routing__item=order.item).order_by("sequence")
    for operation, (code, start, end) in zip(operations, steps, strict=True):
        ScheduledOperation.objects.create(
            run=run,
            order=order,
            operation=operation,
            machine=next(m for m in run.plant.machines.all() if m.code == code),
            machine_label=code,
            setup_start=at(start),
            start=at(start),
            end=at(end),
        )


def late(run: ScheduleRun, *entries: tuple[ProductionOrder, int]) -> None:
    run.kpis = {"late_orders": [{"order": o.external_ref, "tardiness_min": m} for o, m in entries]}
    run.save(update_fields=["kpis"])


def always_open(*codes: str, overtime: bool = False) -> dict[str, dict[str, list[list[int]]]]:
    return {
        code: {"work": [[0, HORIZON_MIN]], "overtime": [[600, 720]] if overtime else []}
        for code in codes
    }


def test_an_order_that_waited_in_a_queue_could_have_been_on_time_and_the_fix_is_named(
    plant, machines
) -> None:
    item = routed_item(plant, machines, steps=2)  # 1.5 min a piece on either mill
    order = OrderFactory(
        plant=plant, item=item, quantity=Decimal("10"), release_at=ORIGIN, due_at=at(60)
    )
    run = finished_run(plant, always_open("MIL-01", "MIL-02"))
    place(run, order, [("MIL-01", 180, 195), ("MIL-01", 200, 215)])  # waited 3 h first
    late(run, (order, 155))

    (reason,) = late_order_reasons(run)

    assert reason["possible"] is True and reason["machine"] == "MIL-01"
    assert reason["earliest_possible"] == at(30)  # two 15-minute steps, the plant empty
    assert reason["late_h"] == 2.6
    assert "step 10 Step 1 waited 3.0 h in the queue of MIL-01" in reason["why"]
    assert "an extra shift on MIL-01 or move it to MIL-02" in reason["why"]


def test_a_late_order_on_its_only_machine_with_overtime_offered_is_told_to_use_it(
    plant, machines
) -> None:
    item = routed_item(plant, machines[:1], steps=1)
    order = OrderFactory(
        plant=plant, item=item, quantity=Decimal("10"), release_at=ORIGIN, due_at=at(60)
    )
    run = finished_run(plant, always_open("MIL-01", overtime=True))
    place(run, order, [("MIL-01", 120, 135)])
    late(run, (order, 75))

    (reason,) = late_order_reasons(run)

    assert reason["possible"] is True
    assert "use the overtime offered on MIL-01 or a second machine like MIL-01" in reason["why"]


def test_an_order_too_short_for_its_routing_cannot_be_on_time_and_says_by_how_much(
    plant, machines
) -> None:
    item = routed_item(plant, machines, steps=2)
    order = OrderFactory(
        plant=plant, item=item, quantity=Decimal("100"), release_at=ORIGIN, due_at=at(60)
    )
    run = finished_run(plant, always_open("MIL-01", "MIL-02"))
    place(run, order, [("MIL-01", 0, 150), ("MIL-02", 150, 300)])
    late(run, (order, 240))

    (reason,) = late_order_reasons(run)

    assert reason["possible"] is False
    assert reason["earliest_possible"] == at(300)
    assert "even with the plant empty it finishes 4.0 h after its due date" in reason["why"]


def test_the_earliest_completion_counts_working_time_only_and_the_wait_between_steps(
    plant, machines
) -> None:
    """The mills work 06:00-14:00 only; a one-shift day cannot hold two 5-hour steps and a
    one-hour wait, so the second step ends on the next day's shift."""
    item = routed_item(plant, machines, steps=2)
    Operation.objects.filter(routing__item=item, sequence=10).update(min_wait_minutes=60)
    order = OrderFactory(
        plant=plant, item=item, quantity=Decimal("200"), release_at=ORIGIN, due_at=at(480)
    )
    day = 24 * 60
    shifts = {
        code: {"work": [[d * day, d * day + 480] for d in range(7)], "overtime": []}
        for code in ("MIL-01", "MIL-02")
    }
    run = finished_run(plant, shifts)
    place(run, order, [("MIL-01", 0, 300), ("MIL-02", day, day + 300)])
    late(run, (order, day + 300 - 480))

    (reason,) = late_order_reasons(run)

    # 300 minutes of step 1, 60 of waiting, then the 300 of step 2 do not fit the 120 left
    # of the shift (operations do not pause by default): tomorrow 06:00 to 11:00.
    assert reason["earliest_possible"] == at(day + 300)
    assert reason["possible"] is False


def test_orders_without_a_late_entry_or_a_schedule_are_left_out(plant, machines) -> None:
    item = routed_item(plant, machines, steps=1)
    unscheduled = OrderFactory(plant=plant, item=item, release_at=ORIGIN, due_at=at(60))
    run = finished_run(plant, always_open("MIL-01", "MIL-02"))
    assert late_order_reasons(run) == []
    late(run, (unscheduled, 30))
    assert late_order_reasons(run) == []
