"""The database-to-solver bridge: what the solver sees is what the plant has."""

from __future__ import annotations

import datetime as dt

import pytest

from plant.errors import RuleViolation
from scheduling.models import ProductionOrder, ScheduleRun
from scheduling.planning.adapters import build_problem
from scheduling.solver import diagnose, solve, verify
from tests.factories.plant import ItemFactory

pytestmark = pytest.mark.django_db


def make_run(plant, horizon, **kwargs) -> ScheduleRun:
    run = ScheduleRun.objects.create(
        plant=plant, name="t", horizon_start=horizon[0], horizon_end=horizon[1], **kwargs
    )
    run.orders.set(ProductionOrder.objects.filter(plant=plant))
    return run


def test_the_demo_plant_becomes_a_problem_the_solver_schedules_without_violations(
    demo_plant, horizon, django_assert_max_num_queries
) -> None:
    run = make_run(demo_plant, horizon)
    with django_assert_max_num_queries(12):
        problem, _ = build_problem(run)
    assert len(problem.jobs) == ProductionOrder.objects.filter(plant=demo_plant).count()
    assert len(problem.machines) == 14
    assert diagnose(problem) == []
    solution = solve(problem, time_limit_s=2, workers=1)
    assert solution.assignments and verify(problem, solution) == []


def test_minutes_follow_the_plants_shifts_in_utc(demo_plant, horizon) -> None:
    problem, index = build_problem(make_run(demo_plant, horizon))
    saw = next(m for m in problem.machines if m.id == "SAW-01")
    first = saw.available[0]
    start_local = index.moment(first.start).astimezone(demo_plant.tz)
    assert start_local.hour in (6, 14) or first.start == 0
    assert all(w.end - w.start <= 16 * 60 for w in saw.available)  # two shifts at most


def test_an_order_whose_item_has_no_routing_is_refused_by_name(demo_plant, horizon) -> None:
    item = ItemFactory(plant=demo_plant, code="NEW-1")
    ProductionOrder.objects.create(
        plant=demo_plant,
        external_ref="SO-NOROUTE",
        item=item,
        quantity=5,
        release_at=horizon[0],
        due_at=horizon[0] + dt.timedelta(days=2),
    )
    with pytest.raises(RuleViolation, match=r"SO-NOROUTE \(NEW-1\)"):
        build_problem(make_run(demo_plant, horizon))


def test_what_if_machines_are_added_and_removed_for_the_run_only(demo_plant, horizon) -> None:
    scenario = {
        "add_machines": [{"copy_of": "MIL-01", "code": "MIL-NEW"}],
        "remove_machines": ["SAW-02"],
    }
    problem, _ = build_problem(make_run(demo_plant, horizon, scenario=scenario))
    ids = {m.id for m in problem.machines}
    assert "MIL-NEW" in ids and "SAW-02" not in ids
    modes = {mode.machine_id for job in problem.jobs for op in job.operations for mode in op.modes}
    assert "MIL-NEW" in modes and "SAW-02" not in modes


def test_an_extra_saturday_shift_adds_working_time_to_its_work_centre(demo_plant, horizon) -> None:
    day = horizon[0].date() + dt.timedelta(days=(5 - horizon[0].weekday()) % 7 + 7)  # a Saturday
    base, _ = build_problem(make_run(demo_plant, horizon, scenario={"overtime_allowed": False}))
    extra = {
        "overtime_allowed": False,
        "extra_shifts": [
            {"work_centres": ["CNC"], "day": day.isoformat(), "start": "06:00", "end": "14:00"}
        ],
    }
    more, _ = build_problem(make_run(demo_plant, horizon, scenario=extra))

    def minutes(problem, code):
        return sum(w.end - w.start for m in problem.machines if m.id == code for w in m.available)

    assert minutes(more, "MIL-01") - minutes(base, "MIL-01") == 8 * 60
    assert minutes(more, "SAW-01") == minutes(base, "SAW-01")


def test_overtime_offers_reach_the_solver_only_when_allowed(demo_plant, horizon) -> None:
    allowed, _ = build_problem(make_run(demo_plant, horizon))
    forbidden, _ = build_problem(
        make_run(demo_plant, horizon, scenario={"overtime_allowed": False})
    )
    assert any(m.overtime for m in allowed.machines)
    assert not any(m.overtime for m in forbidden.machines)
