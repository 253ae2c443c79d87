"""Rescheduling from the shop floor: what started stays, what finished drops out, a machine
that is down waits for its expected return, and the rest stays close to the published plan."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from plant.models import Machine
from scheduling.floor.downtime import ensure_downtime_reasons, mark_machine_down
from scheduling.floor.operations import Actor, complete_operation, start_operation
from scheduling.floor.reschedule import reschedule_from_floor
from scheduling.models import DowntimeReason, ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.adapters import build_problem, operation_key, write_solution
from scheduling.solver import solve, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(demo_plant) -> ScheduleRun:
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=1)
    run = ScheduleRun.objects.create(
        plant=demo_plant,
        name="Plan",
        horizon_start=start,
        horizon_end=start + dt.timedelta(days=30),
        status="succeeded",
    )
    run.orders.set(ProductionOrder.objects.filter(plant=demo_plant))
    problem, index = build_problem(run)
    write_solution(run, solve(problem, time_limit_s=3, workers=1), index)
    run.kpis, run.is_published, run.published_at = {"ok": 1}, True, timezone.now()
    run.save()
    return run


def first_steps(run: ScheduleRun) -> list[ScheduledOperation]:
    firsts = []
    seen = set()
    for so in (
        ScheduledOperation.objects.filter(run=run)
        .select_related("operation", "order", "machine")
        .order_by("start")
    ):
        if so.order_id in seen:
            continue
        seen.add(so.order_id)
        if (
            so.operation.sequence
            == so.operation.routing.operations.order_by("sequence")[0].sequence
        ):
            firsts.append(so)
    return firsts


def test_a_reschedule_fixes_started_drops_finished_and_waits_for_a_down_machine(
    published, no_enqueue, manager
):
    ensure_downtime_reasons()
    actor = Actor(user=manager)
    running, finished = [so for so in first_steps(published)][:2]
    for so in (running, finished):
        start_operation(
            event_id=uuid.uuid4(),
            order=so.order,
            operation=so.operation,
            machine=so.machine,
            actor=actor,
        )
    complete_operation(
        event_id=uuid.uuid4(),
        order=finished.order,
        operation=finished.operation,
        good=Decimal(5),
        scrap=Decimal(0),
        actor=actor,
    )
    broken = (
        Machine.objects.filter(plant=published.plant)
        .exclude(pk__in=[running.machine_id, finished.machine_id])
        .order_by("code")
        .first()
    )
    back = timezone.now() + dt.timedelta(days=2)
    mark_machine_down(
        event_id=uuid.uuid4(),
        machine=broken,
        reason=DowntimeReason.objects.get(code="breakdown"),
        expected_return=back,
        actor=actor,
    )

    run = reschedule_from_floor(plant=published.plant, created_by=manager)
    assert run.base_run == published and run.scenario["from_shop_floor"] is True
    assert run.settings["weights"]["deviation"] >= 1
    problem, index = build_problem(run)
    fixed = {f.operation_id: f for f in problem.fixed}
    key = operation_key(running.order_id, running.operation_id)
    assert fixed[key].machine_id == running.machine_label and fixed[key].start == 0
    dropped = operation_key(finished.order_id, finished.operation_id)
    assert all(op.id != dropped for job in problem.jobs for op in job.operations)
    windows = next(m for m in problem.machines if m.id == broken.code).available
    assert windows and min(w.start for w in windows) >= index.minutes(back)
    assert problem.previous
    solution = solve(problem, time_limit_s=3, workers=1)
    assert solution.assignments and verify(problem, solution) == []


def test_a_reschedule_needs_a_published_schedule(demo_plant, no_enqueue):
    from scheduling.errors import RunInvalid

    with pytest.raises(RunInvalid, match="Nothing is published"):
        reschedule_from_floor(plant=demo_plant)
