"""diagnose() names each contradiction; solve() returns them instead of searching."""

from __future__ import annotations

from scheduling.solver import Fixed, Job, Machine, Problem, Window, diagnose, solve

from .builders import job, op


def _furnaces() -> tuple[Machine, ...]:
    return (
        Machine("F1", "Furnace 1", available=(Window(0, 400), Window(600, 1000))),
        Machine("F2", "Furnace 2", available=(Window(0, 450), Window(500, 900))),
    )


def _order(*operations: object, **kw: object) -> Job:
    return Job(id="SO-1042", name="SO-1042", operations=operations, **kw)


def test_an_operation_longer_than_every_window_is_named_with_the_longest_window() -> None:
    heat = op("ht", ("F1", 480), ("F2", 480))
    heat = type(heat)(id="ht", name="Heat treat", modes=heat.modes)
    problem = Problem(horizon=1000, machines=_furnaces(), jobs=(_order(heat),))
    conflicts = diagnose(problem)
    assert [c.code for c in conflicts] == ["no_window_long_enough"]
    message = conflicts[0].message
    assert "Order SO-1042, operation 'Heat treat'" in message
    assert "needs 480 min, longest is 450 on Furnace 2" in message
    solution = solve(problem, time_limit_s=5)
    assert solution.status == "infeasible"
    assert solution.conflicts == tuple(conflicts)
    assert solution.assignments == ()


def test_a_pausable_operation_may_span_windows() -> None:
    heat = op("ht", ("F1", 480), can_pause=True)
    assert diagnose(Problem(horizon=1000, machines=_furnaces(), jobs=(_order(heat),))) == []


def test_an_operation_without_an_eligible_machine_is_reported() -> None:
    problem = Problem(horizon=1000, machines=_furnaces(), jobs=(_order(op("x", ("Lathe", 5))),))
    assert [c.code for c in diagnose(problem)] == ["no_eligible_machine"]


def test_a_fixed_operation_overlapping_maintenance_is_reported() -> None:
    problem = Problem(
        horizon=1000,
        machines=_furnaces(),
        jobs=(_order(op("x", ("F1", 100))),),
        fixed=(Fixed("x", "F1", 350, 450),),
    )
    conflicts = diagnose(problem)
    assert [c.code for c in conflicts] == ["fixed_outside_calendar"]
    assert "overlaps maintenance" in conflicts[0].message
    assert conflicts[0].machine_id == "F1"


def test_overlapping_fixed_operations_are_reported() -> None:
    problem = Problem(
        horizon=1000,
        machines=_furnaces(),
        jobs=(job("A", op("a", ("F1", 100))), job("B", op("b", ("F1", 100)))),
        fixed=(Fixed("a", "F1", 0, 100), Fixed("b", "F1", 50, 150)),
    )
    assert [c.code for c in diagnose(problem)] == ["fixed_overlap"]


def test_a_maximum_lag_below_the_minimum_lag_is_reported() -> None:
    first = op("a", ("F1", 10), min_lag_next=30, max_lag_next=20)
    problem = Problem(
        horizon=1000, machines=_furnaces(), jobs=(_order(first, op("b", ("F2", 10))),)
    )
    conflicts = diagnose(problem)
    assert [c.code for c in conflicts] == ["lag_contradiction"]
    assert "maximum lag cannot be met" in conflicts[0].message


def test_a_maximum_lag_that_ends_in_non_working_time_is_reported() -> None:
    # a is fixed to end at 400; b must start by 450 but F1 is down 400-600
    problem = Problem(
        horizon=1000,
        machines=_furnaces(),
        jobs=(_order(op("a", ("F1", 100), max_lag_next=50), op("b", ("F1", 100))),),
        fixed=(Fixed("a", "F1", 300, 400),),
    )
    conflicts = diagnose(problem)
    assert [c.code for c in conflicts] == ["max_lag_unreachable"]
    assert "maximum lag cannot be met" in conflicts[0].message


def test_work_that_cannot_fit_in_the_horizon_is_reported() -> None:
    problem = Problem(
        horizon=1000,
        machines=_furnaces(),
        jobs=(_order(op("a", ("F1", 300)), op("b", ("F1", 300)), release=500),),
    )
    assert "horizon_too_short" in {c.code for c in diagnose(problem)}
