"""The critical-path tabu search and its race with CP-SAT on plain job shops."""

from __future__ import annotations

import itertools
import random
import time
from typing import Any

import pytest

from scheduling.solver import Machine, Problem, Progress, Solution, Window, solve, verify
from scheduling.solver.compiled import Compiled
from scheduling.solver.dispatch import dispatch
from scheduling.solver.generate import generate_fjsp, generate_jsp
from scheduling.solver.jobshop import as_shop, slots_of
from scheduling.solver.tabu import Shop, TabuResult, new_graph, tabu_search, tenure
from scheduling.solver.tabukernel.graph import EST, evaluate, load, sequences
from scheduling.solver.tabukernel.neighbourhood import apply, critical_blocks, reorderings, shifts
from scheduling.solver.tabukernel.search import seed_random

from .builders import MAKESPAN, job, machine, op


def _start(c: Compiled) -> list[list[int]]:
    slots = dispatch(c, "spt")
    assert slots is not None
    return c.sequences(slots)


def _shop(c: Compiled) -> Shop:
    shop = as_shop(c)
    assert shop is not None
    return shop


def _optimum(problem: Problem) -> int:
    solution = solve(problem, time_limit_s=20, strategy="full")
    assert solution.status == "optimal"
    assert solution.objective is not None
    return solution.objective


def _try_every_move(c: Compiled, seed: int, flexible: bool) -> int:
    """Make every candidate move of 30 successive critical paths, each from the same schedule:
    none may close a cycle (apply() would return -1); returns how many were made."""
    g = new_graph(_shop(c), _start(c))
    seed_random(seed)
    rng = random.Random(seed)
    tried = 0
    for _ in range(30):
        cmax = evaluate(g.op)
        here = sequences(g)
        blocks = critical_blocks(g.op, cmax)
        count = shifts(g, blocks, 0) if flexible else reorderings(g.op, g.cand, blocks)
        for k in range(count):
            assert g.cand[EST, k] > 0
            assert apply(g, k) > 0
            load(g, here)
            assert evaluate(g.op) == cmax
            tried += 1
        if not count:
            break
        apply(g, rng.randrange(count))
    return tried


@pytest.mark.parametrize("seed", range(6))
def test_every_move_of_the_neighbourhood_keeps_the_schedule_acyclic(seed: int) -> None:
    assert _try_every_move(Compiled(generate_jsp(12, 6, seed)), seed, flexible=False) > 20


@pytest.mark.parametrize("seed", range(8))
def test_the_search_reaches_the_proven_optimum_of_small_shops(seed: int) -> None:
    problem = generate_jsp(6, 4, seed)
    c = Compiled(problem)
    result = tabu_search(_shop(c), _start(c), deadline=time.monotonic() + 30, max_iterations=3000)
    assert result.makespan == _optimum(problem)
    schedule = slots_of(c, result.starts, result.machines)
    assert max(s[3] for s in schedule) == result.makespan
    assert verify(problem, Solution("feasible", c.assignments(schedule), None, None, None)) == []


@pytest.mark.parametrize("seed", range(4))
def test_moving_a_critical_operation_to_another_machine_never_closes_a_cycle(seed: int) -> None:
    c = Compiled(generate_fjsp(10, 4, seed, ops_per_job=5))
    assert _try_every_move(c, seed, flexible=True) > 20


@pytest.mark.parametrize("seed", range(6))
def test_the_search_reaches_the_proven_optimum_of_small_flexible_shops(seed: int) -> None:
    problem = generate_fjsp(6, 3, seed, ops_per_job=3)
    c = Compiled(problem)
    result = tabu_search(_shop(c), _start(c), deadline=time.monotonic() + 30, max_iterations=3000)
    assert result.makespan == _optimum(problem)
    schedule = slots_of(c, result.starts, result.machines)
    assert verify(problem, Solution("feasible", c.assignments(schedule), None, None, None)) == []


def test_releases_and_routing_setups_are_kept() -> None:
    problem = Problem(
        horizon=1_000,
        machines=(machine("A"), machine("B")),
        jobs=(
            job("J1", op("J1-1", ("A", 10, 5)), op("J1-2", ("B", 20)), release=30),
            job("J2", op("J2-1", ("B", 15)), op("J2-2", ("A", 10, 2))),
            job("J3", op("J3-1", ("A", 7)), op("J3-2", ("B", 9, 1)), release=12),
        ),
        objective=MAKESPAN,
    )
    c = Compiled(problem)
    result = tabu_search(_shop(c), _start(c), deadline=time.monotonic() + 5, max_iterations=500)
    schedule = slots_of(c, result.starts, result.machines)
    assert verify(problem, Solution("feasible", c.assignments(schedule), None, None, None)) == []
    assert result.makespan == _optimum(problem)


def test_fresh_runs_start_again_and_the_best_of_all_runs_is_kept() -> None:
    problem = generate_jsp(20, 15, 3)
    c = Compiled(problem)
    start = _start(c)
    reported: list[int] = []
    result = tabu_search(
        _shop(c),
        start,
        deadline=time.monotonic() + 2.0,
        on_improvement=lambda makespan, starts, machines: reported.append(makespan),
        report_every_s=0.0,
        fresh_after_s=0.0,  # a run ends once idle for as long as it took to reach its best
    )
    assert result.runs > 1
    assert reported and all(a > b for a, b in itertools.pairwise(reported))
    assert result.makespan == reported[-1]
    schedule = slots_of(c, result.starts, result.machines)
    assert max(end for _, _, _, end in schedule) == result.makespan
    assert verify(problem, Solution("feasible", c.assignments(schedule), None, None, None)) == []


def test_only_plain_job_shops_that_minimise_the_makespan_are_raced() -> None:
    assert as_shop(Compiled(generate_jsp(5, 3, 0))) is not None
    flexible = as_shop(Compiled(generate_fjsp(5, 3, 0)))
    assert flexible is not None and flexible.flexible
    plain = generate_jsp(5, 3, 0)
    shifts = Problem(
        horizon=plain.horizon,
        machines=tuple(
            Machine(m.id, m.name, available=(Window(0, plain.horizon // 2),))
            for m in plain.machines
        ),
        jobs=plain.jobs,
        objective=plain.objective,
    )
    assert as_shop(Compiled(shifts)) is None
    tardiness = Problem(horizon=plain.horizon, machines=plain.machines, jobs=plain.jobs)
    assert as_shop(Compiled(tardiness)) is None


def test_a_long_shop_is_proven_optimal_at_its_machine_load_well_before_the_limit() -> None:
    problem = generate_jsp(40, 5, 3)
    started = time.monotonic()
    solution = solve(problem, time_limit_s=120)
    assert time.monotonic() - started < 40  # margins for a loaded machine; the limit is 120
    assert solution.status == "optimal"
    assert solution.objective == solution.bound
    assert verify(problem, solution) == []


def test_a_stop_request_ends_the_race_at_once_with_the_best_schedule_so_far() -> None:
    problem = generate_jsp(30, 20, 6)  # 600 operations: raced, and far from proven in 2 s
    seen: list[Progress] = []
    started = time.monotonic()
    solution = solve(
        problem,
        time_limit_s=60,
        on_progress=seen.append,
        should_stop=lambda: time.monotonic() - started > 2.0,
    )
    assert 2.0 < time.monotonic() - started < 20  # margins for a loaded machine; limit 60
    assert solution.status == "feasible"
    assert seen and solution.objective == seen[-1].objective
    assert all(a.objective >= b.objective for a, b in itertools.pairwise(seen))
    assert verify(problem, solution) == []


@pytest.mark.parametrize(
    "problem",
    [generate_jsp(30, 20, 6), generate_fjsp(60, 10, 3)],
    ids=["two-searches", "search-and-cpsat"],
)
def test_a_failure_in_a_search_thread_reaches_the_caller(
    monkeypatch: pytest.MonkeyPatch, problem: Problem
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("search failed")

    monkeypatch.setattr("scheduling.solver.jobshop.tabu_search", broken)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="search failed"):
        solve(problem, time_limit_s=60)
    assert time.monotonic() - started < 20  # CP-SAT, where it ran, was stopped too


def test_two_searches_start_alike_and_go_their_own_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduling.solver import jobshop

    calls: list[tuple[int, list[list[int]], int]] = []
    searched = jobshop.tabu_search

    def recording(shop: Shop, sequences: list[list[int]], **kwargs: Any) -> TabuResult:
        result = searched(shop, sequences, **kwargs)
        calls.append((kwargs["seed"], sequences, result.makespan))
        return result

    monkeypatch.setattr("scheduling.solver.jobshop.tabu_search", recording)
    problem = generate_jsp(20, 15, 2)
    solution = solve(problem, time_limit_s=3, seed=5)
    assert sorted(seed for seed, _, _ in calls) == [5, 5 + jobshop.SEED_STRIDE]
    assert calls[0][1] == calls[1][1]  # the same start
    assert solution.objective == min(makespan for _, _, makespan in calls)
    assert verify(problem, solution) == []


@pytest.mark.parametrize("seed", range(4))
def test_the_makespan_floor_of_a_flexible_shop_counts_all_its_work_and_stays_below_the_optimum(
    seed: int,
) -> None:
    from scheduling.solver.engine import simple_bound

    problem = generate_fjsp(8, 3, seed, ops_per_job=4)
    c = Compiled(problem)
    work = sum(min(m.duration for m in op.modes) for j in problem.jobs for op in j.operations)
    assert simple_bound(c) >= -(-work // 3)
    assert simple_bound(c) <= _optimum(problem)


@pytest.mark.parametrize(
    ("problem", "workers", "raced"),
    [
        (generate_jsp(15, 15, 1), 2, None),  # CP-SAT with strong propagation proves these
        # from beyond 15 x 15 it proves none in the time: one search per worker instead
        (generate_jsp(20, 15, 1), 2, (2, False)),
        (generate_jsp(20, 15, 1), 1, (1, True)),
        # square and small, but with alternative machines: the search's machine moves count
        # (Brandimarte mk10, 240 operations: 228 with CP-SAT alone, 198 raced), and CP-SAT's
        # machine choices and proofs too, at any size
        (generate_fjsp(10, 10, 1, ops_per_job=5), 2, (1, True)),
        (generate_fjsp(40, 10, 1, ops_per_job=8), 2, (1, True)),
    ],
    ids=["jsp-15x15", "jsp-20x15", "jsp-20x15-one-worker", "fjsp-10x10", "fjsp-40x10"],
)
def test_which_plain_shops_race_the_search(
    monkeypatch: pytest.MonkeyPatch,
    problem: Problem,
    workers: int,
    raced: tuple[int, bool] | None,
) -> None:
    calls: list[tuple[int, int, bool]] = []

    def recording_race(c: Compiled, *args: object, **kwargs: Any) -> bool:
        calls.append((len(c.ops), kwargs.get("searches", 1), kwargs["cpsat"] is not None))
        return False

    monkeypatch.setattr("scheduling.solver.engine.race", recording_race)
    solution = solve(problem, time_limit_s=1, workers=workers)
    assert solution.objective is not None
    ops = sum(len(j.operations) for j in problem.jobs)
    assert calls == ([] if raced is None else [(ops, *raced)])


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        # plain shops: 10 + jobs/machines, up to 40% more, whatever their operation count
        (generate_jsp(15, 15, 1), (11, 15)),
        (generate_jsp(100, 20, 1), (15, 21)),
        # flexible shops keep 8 + operations/(2 machines), up to half as much again
        (generate_fjsp(10, 5, 1, ops_per_job=5), (13, 19)),
    ],
    ids=["jsp-15x15", "jsp-100x20", "fjsp-10x5"],
)
def test_the_tabu_tenure_follows_the_shape_of_the_shop(
    problem: Problem, expected: tuple[int, int]
) -> None:
    assert tenure(_shop(Compiled(problem))) == expected
