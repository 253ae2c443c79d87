"""Lower bounds on weighted tardiness and makespan: never above a proven optimum, and not
trivially zero."""

from __future__ import annotations

import random

import pytest

from scheduling.solver import Objective, OvertimeWindow, Problem, Window, solve, verify
from scheduling.solver.bounds import makespan_bound, tardiness_bound
from scheduling.solver.compiled import Compiled
from scheduling.solver.generate import generate_fjsp, generate_jsp

from .builders import MAKESPAN, job, machine, op

TARDINESS_ONLY = Objective(
    weighted_tardiness=1, makespan=0, setup_time=0, overtime_cost=0, deviation=0
)


def _tiny(seed: int) -> Problem:
    """Three or four orders on two or three machines, calendars and overtime on some."""
    rng = random.Random(seed)
    n_m = rng.randint(2, 3)
    machines = []
    for m in range(n_m):
        if rng.random() < 0.5:
            machines.append(machine(f"M{m}"))
            continue
        windows = (Window(0, 60), Window(100, 160), Window(200, 400))
        overtime = (OvertimeWindow(60, 80, 60),) if rng.random() < 0.5 else ()
        machines.append(machine(f"M{m}", available=windows, overtime=overtime))
    jobs = []
    for j in range(rng.randint(3, 4)):
        steps = []
        for k in range(rng.randint(1, 3)):
            eligible = rng.sample(range(n_m), rng.randint(1, 2))
            modes = [(f"M{m}", rng.randint(5, 30), rng.choice((0, 5))) for m in eligible]
            steps.append(
                op(
                    f"o{j}{k}",
                    *modes,
                    can_pause=rng.random() < 0.3,
                    min_lag_next=rng.choice((0, 10)),
                )
            )
        jobs.append(
            job(
                f"J{j}",
                *steps,
                release=rng.choice((0, 0, 20)),
                due=rng.randint(20, 90),
                weight=rng.randint(1, 3),
            )
        )
    return Problem(
        horizon=400, machines=tuple(machines), jobs=tuple(jobs), objective=TARDINESS_ONLY
    )


def test_the_tardiness_bound_never_exceeds_a_proven_optimum() -> None:
    positive = 0
    for seed in range(24):
        problem = _tiny(seed)
        solution = solve(problem, time_limit_s=10, workers=2, seed=0, strategy="full")
        assert verify(problem, solution) == []
        assert solution.status == "optimal"
        optimum = solution.components["weighted_tardiness"]
        bound = tardiness_bound(Compiled(problem))
        assert bound <= optimum, (seed, bound, optimum)
        positive += bound > 0
    assert positive >= 6  # the bound says something on a good share of them


def test_a_machine_that_cannot_serve_every_order_on_time_gives_a_positive_bound() -> None:
    # four 30-minute orders, all due at 30, on one machine: at best 0 + 30 + 60 + 90 late
    problem = Problem(
        horizon=500,
        machines=(machine("M1"),),
        jobs=tuple(job(f"J{i}", op(f"o{i}", ("M1", 30)), due=30) for i in range(4)),
        objective=TARDINESS_ONLY,
    )
    assert tardiness_bound(Compiled(problem)) == 180
    solution = solve(problem, time_limit_s=5)
    assert solution.bound == 180 and solution.status == "optimal"


def test_the_bound_takes_the_earliest_end_over_machines_not_the_earliest_start() -> None:
    # M1 is free at once but slow (ends at 100); M2 opens at 10 and is fast (ends at 30)
    problem = Problem(
        horizon=500,
        machines=(machine("M1"), machine("M2", available=(Window(10, 500),))),
        jobs=(job("J", op("a", ("M1", 100), ("M2", 20)), due=30),),
        objective=TARDINESS_ONLY,
    )
    assert tardiness_bound(Compiled(problem)) == 0
    assert solve(problem, time_limit_s=5).components["weighted_tardiness"] == 0


def test_the_makespan_bound_counts_heads_and_tails_around_a_shared_machine() -> None:
    # Both orders reach M0 at 10 and need 10 more after it: M0 cannot finish both before 20,
    # so nothing ends before 30, where the orders alone (25) and the loads (10) say less.
    problem = Problem(
        horizon=200,
        machines=tuple(machine(f"M{m}") for m in range(5)),
        jobs=(
            job("A", op("a1", ("M1", 10)), op("a2", ("M0", 5)), op("a3", ("M2", 10))),
            job("B", op("b1", ("M3", 10)), op("b2", ("M0", 5)), op("b3", ("M4", 10))),
        ),
        objective=MAKESPAN,
    )
    assert makespan_bound(Compiled(problem)) == 30
    solution = solve(problem, time_limit_s=5)
    assert solution.status == "optimal" and solution.objective == solution.bound == 30


@pytest.mark.parametrize("seed", range(6))
def test_the_makespan_bound_never_exceeds_a_proven_optimum(seed: int) -> None:
    for problem in (generate_jsp(5, 4, seed), generate_fjsp(5, 3, seed, ops_per_job=4)):
        solution = solve(problem, time_limit_s=20, strategy="full")
        assert solution.status == "optimal" and solution.objective is not None
        assert 0 < makespan_bound(Compiled(problem)) <= solution.objective
