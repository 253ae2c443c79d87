"""verify() catches each kind of violation in hand-built bad solutions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduling.solver import (
    Assignment,
    Fixed,
    Objective,
    OvertimeWindow,
    Previous,
    Problem,
    Solution,
    Window,
    verify,
)

from .builders import job, machine, op

PROBLEM = Problem(
    horizon=1000,
    machines=(
        machine(
            "M1",
            available=(Window(0, 100), Window(200, 400)),
            overtime=(OvertimeWindow(100, 160, cost_per_hour=60),),
            changeover=(("A", "B", 15),),
        ),
        machine("M2"),
    ),
    jobs=(
        job(
            "J1",
            op("a", ("M1", 30, 5), min_lag_next=10, max_lag_next=50),
            op("b", ("M2", 20)),
            release=0,
            due=60,
            family="A",
        ),
        job("J2", op("c", ("M1", 40), can_pause=True), due=400, weight=2, family="B"),
        job("J3", op("d", ("M2", 10)), release=100, family="A"),
    ),
    fixed=(Fixed("d", "M2", 120, 130),),
    previous=(Previous("b", "M2", 45),),
    objective=Objective(),
)

GOOD = (
    Assignment("a", "J1", "M1", 5, 35, 0, 5),
    Assignment("b", "J1", "M2", 45, 65, 45, 0),
    # changeover A->B of 15 at 80-95, then 5 minutes before the break and 35 after it
    Assignment("c", "J2", "M1", 95, 235, 80, 15),
    Assignment("d", "J3", "M2", 120, 130, 120, 0),
)
COMPONENTS = {
    "weighted_tardiness": 5,
    "makespan": 235,
    "setup_time": 15,
    "overtime_cost": 0,
    "deviation": 0,
}


def _solution(assignments: tuple[Assignment, ...], **components: int) -> Solution:
    return Solution(
        status="feasible",
        assignments=assignments,
        objective=None,
        bound=None,
        gap=None,
        components={**COMPONENTS, **components},
    )


def _with(op_id: str, **changes: object) -> tuple[Assignment, ...]:
    return tuple(replace(a, **changes) if a.operation_id == op_id else a for a in GOOD)


def test_the_reference_solution_is_valid() -> None:
    assert verify(PROBLEM, _solution(GOOD)) == []


@pytest.mark.parametrize(
    ("assignments", "code"),
    [
        (GOOD[1:], "unassigned"),
        (GOOD + GOOD[:1], "assigned_twice"),
        (_with("b", machine_id="M1", start=300, end=320, setup_start=300), "ineligible_machine"),
        (_with("b", end=70), "wrong_duration"),
        (_with("b", start=40, end=60, setup_start=40), "precedence"),
        (_with("b", start=90, end=110, setup_start=90), "max_lag"),
        (_with("a", setup_start=2, start=7, end=37, setup=5), "precedence"),
        (_with("a", setup_start=3, setup=2), "setup_too_short"),
        (_with("c", setup_start=90, setup=5), "changeover_too_short"),
        (_with("c", start=95, end=225), "wrong_duration"),
        (_with("d", start=125, end=135, setup_start=125), "fixed_moved"),
        (_with("b", start=120, end=140, setup_start=120), "overlap"),
    ],
)
def test_each_broken_rule_is_reported(assignments: tuple[Assignment, ...], code: str) -> None:
    codes = {v.code for v in verify(PROBLEM, _solution(assignments))}
    assert code in codes


def test_a_non_pausable_operation_across_a_break_is_reported() -> None:
    moved = _with("a", setup_start=170, start=175, end=205)
    moved = tuple(
        replace(a, start=215, end=235, setup_start=215) if a.operation_id == "b" else a
        for a in moved
    )
    codes = {v.code for v in verify(PROBLEM, _solution(moved))}
    assert "outside_calendar" in codes


def test_a_release_date_is_enforced() -> None:
    problem = replace(PROBLEM, jobs=(replace(PROBLEM.jobs[0], release=10), *PROBLEM.jobs[1:]))
    codes = {v.code for v in verify(problem, _solution(GOOD))}
    assert "before_release" in codes


def test_misreported_objective_components_are_reported() -> None:
    codes = {v.code for v in verify(PROBLEM, _solution(GOOD, weighted_tardiness=0))}
    assert codes == {"wrong_component"}


def test_overtime_minutes_are_priced_per_started_hour_fraction() -> None:
    # a on M1 at 100-130: its setup 95-100 is regular time, its 30 minutes of processing are not
    moved = tuple(
        replace(a, setup_start=95, start=100, end=130)
        if a.operation_id == "a"
        else replace(a, setup_start=140, start=140, end=160)
        if a.operation_id == "b"
        else replace(a, setup_start=200, start=215, end=255)
        if a.operation_id == "c"
        else a
        for a in GOOD
    )
    solution = _solution(
        moved, overtime_cost=30, weighted_tardiness=100, makespan=255, deviation=95
    )
    assert verify(PROBLEM, solution) == []


def test_a_setup_that_begins_before_the_previous_operation_ends_is_an_overlap() -> None:
    """The operations themselves do not overlap (y starts after x ends); y's setup does."""
    problem = Problem(
        horizon=200,
        machines=(machine("M2"),),
        jobs=(job("X", op("x", ("M2", 30))), job("Y", op("y", ("M2", 20, 10)))),
        objective=Objective(),
    )
    x = Assignment("x", "X", "M2", 0, 30, 0, 0)
    after = Assignment("y", "Y", "M2", 40, 60, 30, 10)
    during = Assignment("y", "Y", "M2", 35, 55, 25, 10)
    assert "overlap" not in {v.code for v in verify(problem, _solution((x, after)))}
    assert "overlap" in {v.code for v in verify(problem, _solution((x, during)))}
