"""solve() on tiny instances with known optima, every result checked by verify()."""

from __future__ import annotations

import itertools
import time

from scheduling.solver import (
    Fixed,
    Objective,
    OvertimeWindow,
    Previous,
    Problem,
    Progress,
    Window,
    solve,
    verify,
)

from .builders import MAKESPAN, job, machine, op, solved


def test_a_non_pausable_operation_waits_for_a_window_it_fits_in() -> None:
    shifts = (Window(0, 100), Window(200, 300))
    problem = Problem(
        horizon=400,
        machines=(machine("M1", available=shifts),),
        jobs=(job("J1", op("a", ("M1", 60)), op("b", ("M1", 80))),),
        objective=MAKESPAN,
    )
    solution = solved(problem)
    # 80 minutes do not fit in the 40 left before the break: the second step starts at 200
    assert solution.components["makespan"] == 280
    assert solution.status == "optimal"


def test_a_pausable_operation_spans_the_break() -> None:
    shifts = (Window(0, 100), Window(200, 300))
    problem = Problem(
        horizon=400,
        machines=(machine("M1", available=shifts),),
        jobs=(job("J1", op("a", ("M1", 60)), op("b", ("M1", 80), can_pause=True)),),
        objective=MAKESPAN,
    )
    solution = solved(problem)
    # 40 minutes before the break, 40 after it
    assert solution.components["makespan"] == 240


def test_changeovers_make_the_solver_batch_families() -> None:
    m = machine("M1", changeover=(("A", "B", 30), ("B", "A", 30)))
    jobs = tuple(job(f"J{i}", op(f"o{i}", ("M1", 10)), family="AB"[i % 2]) for i in range(4))
    problem = Problem(horizon=500, machines=(m,), jobs=jobs, objective=MAKESPAN)
    solution = solved(problem)
    # A A B B: one changeover of 30 between four 10-minute jobs
    assert solution.components["makespan"] == 70
    assert solution.components["setup_time"] == 30


def _overtime_problem(due_b: int) -> Problem:
    m = machine(
        "M1",
        available=(Window(0, 100), Window(300, 400)),
        overtime=(OvertimeWindow(100, 160, cost_per_hour=60),),
    )
    jobs = (
        job("A", op("a", ("M1", 100)), due=100),
        job("B", op("b", ("M1", 50)), due=due_b, weight=10),
    )
    objective = Objective(
        weighted_tardiness=10, makespan=0, setup_time=0, overtime_cost=1, deviation=0
    )
    return Problem(horizon=500, machines=(m,), jobs=jobs, objective=objective)


def test_overtime_is_used_when_it_pays() -> None:
    solution = solved(_overtime_problem(due_b=160))
    # B runs 100-150 in overtime: 50 minutes at 60 per hour
    assert solution.objective == 50
    assert solution.components["overtime_cost"] == 50
    assert solution.components["weighted_tardiness"] == 0


def test_overtime_is_not_used_when_it_does_not_pay() -> None:
    solution = solved(_overtime_problem(due_b=400))
    assert solution.objective == 0
    assert solution.components["overtime_cost"] == 0


def test_fixed_operations_are_kept_and_worked_around() -> None:
    problem = Problem(
        horizon=200,
        machines=(machine("M1"),),
        jobs=(job("X", op("x", ("M1", 30))), job("Y", op("y", ("M1", 30)))),
        fixed=(Fixed("x", "M1", 20, 50),),
        objective=MAKESPAN,
    )
    solution = solved(problem)
    # 0-20 is too short for y, so it follows x
    assert solution.components["makespan"] == 80


def test_deviation_keeps_an_operation_where_the_previous_plan_had_it() -> None:
    problem = Problem(
        horizon=100,
        machines=(machine("M1"), machine("M2")),
        jobs=(job("J", op("a", ("M1", 10), ("M2", 10))),),
        previous=(Previous("a", "M2", 5),),
        objective=Objective(
            weighted_tardiness=0, makespan=1, setup_time=0, overtime_cost=0, deviation=1
        ),
    )
    solution = solved(problem)
    # moving to M1 at 0 would cost 5 + 60 (machine change) for 5 minutes of makespan
    assert solution.objective == 15
    assert solution.components["deviation"] <= 5
    assert next(a for a in solution.assignments if a.operation_id == "a").machine_id == "M2"


def _lexi_problem(objective: Objective) -> Problem:
    return Problem(
        horizon=100,
        machines=(machine("M1"),),
        jobs=(
            job("J1", op("a", ("M1", 10)), due=10, weight=5),
            job("J2", op("b", ("M1", 10)), due=10, weight=1),
        ),
        previous=(Previous("a", "M1", 10), Previous("b", "M1", 0)),
        objective=objective,
    )


def test_weighted_mode_trades_deviation_for_tardiness() -> None:
    weighted = Objective(
        weighted_tardiness=10, makespan=0, setup_time=0, overtime_cost=0, deviation=1
    )
    solution = solved(_lexi_problem(weighted))
    assert solution.components["weighted_tardiness"] == 10
    assert solution.components["deviation"] == 20
    assert solution.objective == 120


def test_lexicographic_mode_follows_the_order_of_components() -> None:
    keep_plan = Objective(mode="lexicographic", order=("deviation", "weighted_tardiness"))
    solution = solved(_lexi_problem(keep_plan))
    assert solution.components["deviation"] == 0
    assert solution.components["weighted_tardiness"] == 50
    on_time = Objective(mode="lexicographic", order=("weighted_tardiness", "deviation"))
    solution = solved(_lexi_problem(on_time))
    assert solution.components["weighted_tardiness"] == 10
    assert solution.components["deviation"] == 20


def test_minimum_and_maximum_lags_are_kept() -> None:
    problem = Problem(
        horizon=200,
        machines=(machine("M1"), machine("M2")),
        jobs=(
            job(
                "J",
                op("a", ("M1", 10), min_lag_next=5, max_lag_next=5),
                op("b", ("M2", 10)),
            ),
            job("K", op("k", ("M2", 18))),
        ),
        fixed=(Fixed("k", "M2", 12, 30),),
        objective=MAKESPAN,
    )
    solution = solved(problem)
    # b must start exactly 5 after a ends, and M2 is busy 12-30: a runs 15-25, b 30-40
    assert solution.components["makespan"] == 40


def _single_machine_optimum(jobs: list[tuple[int, int, int, int]]) -> int:
    """Weighted tardiness by enumeration: (release, duration, due, weight) per job."""
    best = None
    for perm in itertools.permutations(range(len(jobs))):
        t = 0
        cost = 0
        for i in perm:
            release, duration, due, weight = jobs[i]
            t = max(t, release) + duration
            cost += weight * max(0, t - due)
        best = cost if best is None else min(best, cost)
    assert best is not None
    return best


def test_weighted_tardiness_with_releases_matches_enumeration() -> None:
    data = [(0, 30, 40, 1), (5, 10, 20, 3), (10, 25, 50, 2), (0, 15, 30, 4), (20, 5, 35, 5)]
    problem = Problem(
        horizon=500,
        machines=(machine("M1"),),
        jobs=tuple(
            job(f"J{i}", op(f"o{i}", ("M1", d)), release=r, due=due, weight=w)
            for i, (r, d, due, w) in enumerate(data)
        ),
        objective=Objective(
            weighted_tardiness=1, makespan=0, setup_time=0, overtime_cost=0, deviation=0
        ),
    )
    solution = solved(problem)
    assert solution.components["weighted_tardiness"] == _single_machine_optimum(data)
    assert solution.status == "optimal"


def test_progress_is_reported_and_a_stop_returns_the_best_so_far() -> None:
    jobs = tuple(
        job(
            f"J{j}",
            *(op(f"J{j}-{k}", (f"M{(j + k) % 6}", 5 + (j * 7 + k * 13) % 40)) for k in range(6)),
        )
        for j in range(30)
    )
    problem = Problem(
        horizon=10_000,
        machines=tuple(machine(f"M{i}") for i in range(6)),
        jobs=jobs,
        objective=MAKESPAN,
    )
    seen: list[Progress] = []
    started = time.monotonic()
    solution = solve(
        problem,
        time_limit_s=60,
        on_progress=seen.append,
        should_stop=lambda: time.monotonic() - started > 1.0,
    )
    assert time.monotonic() - started < 20  # margins for a loaded machine; the limit is 60
    assert seen and seen[0].objective >= solution.objective
    assert solution.first_source.startswith("dispatch:")
    assert solution.status in ("feasible", "optimal")
    assert verify(problem, solution) == []


def test_the_result_is_never_worse_than_the_construction() -> None:
    jobs = tuple(
        job(
            f"J{j}",
            *(
                op(f"J{j}-{k}", (f"M{(j * 3 + k) % 4}", 3 + (j * 11 + k * 5) % 17))
                for k in range(4)
            ),
            due=40 + 5 * j,
            weight=1 + j % 3,
        )
        for j in range(12)
    )
    problem = Problem(horizon=5_000, machines=tuple(machine(f"M{i}") for i in range(4)), jobs=jobs)
    seen: list[Progress] = []
    solution = solve(problem, time_limit_s=1, on_progress=seen.append)
    assert verify(problem, solution) == []
    assert solution.objective is not None and solution.objective <= seen[0].objective
