"""The compiled plant walk: its decoding against `decode.py`, its re-decoding after a move
against a whole decode, and the walk itself, alone, beside LNS and beside a second walk."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest

from scheduling.solver import Fixed, Problem, Solution, engine, solve, verify
from scheduling.solver.compiled import Compiled, Slot
from scheduling.solver.decode import Decoder
from scheduling.solver.dispatch import dispatch
from scheduling.solver.generate import generate_plant
from scheduling.solver.incumbent import Incumbent
from scheduling.solver.plantkernel import arrays as K
from scheduling.solver.plantkernel import walk as kernel
from scheduling.solver.plantkernel.arrays import Plant, Sched
from scheduling.solver.plantkernel.decode import commit, decode, link
from scheduling.solver.plantsearch import (
    Walker,
    plant_arrays,
    sched_arrays,
    slots_of,
    walk,
)
from scheduling.solver.release import used_pieces

from .builders import job, machine, op, with_history


def _start(c: Compiled, rule: str) -> list[Slot]:
    slots = dispatch(c, rule)
    assert slots is not None
    return slots


def _decoded(c: Compiled, slots: list[Slot]) -> tuple[Plant, Sched, int]:
    pl = plant_arrays(c, used_pieces(c, slots))
    sc = sched_arrays(c, c.sequences(slots))
    assert link(sc)
    return pl, sc, decode(pl, sc)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_decoding_gives_the_times_and_objective_of_the_python_decoder(seed: int) -> None:
    problem = generate_plant(250, 8, seed=seed)
    c = Compiled(problem)
    for rule in ("atcs", "edd+ot"):
        slots = _start(c, rule)
        for p in (problem, with_history(problem, slots, c)):
            cc = Compiled(p)
            used = used_pieces(cc, slots)
            ref = Decoder(cc).decode(cc.sequences(slots), allowed=[frozenset(u) for u in used])
            assert ref is not None
            _, sc, value = _decoded(cc, slots)
            assert slots_of(sc) == ref
            assert value == cc.scalar(cc.components(ref))
            if p is not problem:  # the deviation and fixed work count as the objective says
                assert cc.components(ref)["deviation"] > 0


def test_sequences_that_close_a_cycle_or_break_a_fixed_time_do_not_decode() -> None:
    problem = Problem(
        horizon=1000,
        machines=(machine("X"), machine("Y")),
        jobs=(
            job("A", op("a1", ("X", 5)), op("a2", ("Y", 5))),
            job("B", op("b1", ("Y", 5)), op("b2", ("X", 5))),
        ),
        fixed=(Fixed("a1", "X", 0, 5),),
    )
    c = Compiled(problem)
    a1, a2, b1, b2 = range(4)
    pl = plant_arrays(c)
    for seqs, value in (
        ([[a1, b2], [b1, a2]], 10),  # the makespan (no due dates, no changeovers)
        ([[b2, a1], [a2, b1]], -1),  # b2 after b1 after a2 after a1 after b2
        ([[b2, a1], [b1, a2]], -1),  # a1 is fixed at 0, but b2 must come first
    ):
        sc = sched_arrays(c, seqs)
        assert link(sc)
        assert decode(pl, sc) == value


@pytest.mark.parametrize(("seed", "history"), [(5, False), (6, False), (5, True)])
def test_decoding_again_after_a_move_matches_a_whole_decode(seed: int, history: bool) -> None:
    """Hundreds of random moves around late orders, kept or undone at random: the partial
    decode after each gives the whole decode's times and objective (kept up from what the
    move changed, with overtime, changeovers and, with `history`, fixed work and deviation
    from a previous plan), and undoing restores the times exactly."""
    problem = generate_plant(400, 10, seed=seed)
    c = Compiled(problem)
    slots = _start(c, "atcs+ot")
    if history:
        c = Compiled(with_history(problem, slots, c))
    pl, sc, _ = _decoded(c, slots)
    wk = kernel.new_walk(pl, sc, 10)
    assert kernel.begin(pl, sc, wk) >= 0
    kernel.seed_random(seed)
    rng = random.Random(seed)
    rows = [K.S, K.T, K.E, K.CRIT, K.CO]
    tried = 0
    for _ in range(400):
        found = kernel.candidates(pl, sc, wk, kernel._target(pl, sc, wk))
        if found == 0:
            continue
        pick = rng.randrange(found)
        o, m, i = (int(wk.cand[r, pick]) for r in (kernel.C_OP, kernel.C_M, kernel.C_I))
        times = sc.op[rows].copy()
        value, was, at = kernel.try_move(pl, sc, wk, o, m, i)
        if value >= 0:
            whole = Sched(*(a.copy() for a in sc))
            assert decode(pl, whole) == value
            assert (whole.op[rows] == sc.op[rows]).all()
        if value >= 0 and rng.random() < 0.5:
            commit(sc)
        else:
            kernel.undo_move(sc, o, was, at, value >= 0)
            assert (sc.op[rows] == times).all()
        assert not sc.op[K.DIRTY].any() and not sc.op[K.CHG].any()
        tried += 1
    assert tried > 300
    # what the moves kept adds up to the whole decode's components
    value = int(sum(pl.w[k] * sc.base[k] for k in range(5)))
    assert decode(pl, Sched(*(a.copy() for a in sc))) == value


@pytest.mark.parametrize("near", [False, True])
def test_the_walk_improves_a_loaded_plant_and_its_best_schedule_verifies(near: bool) -> None:
    problem = generate_plant(300, 8, seed=7)
    c = Compiled(problem)
    slots = _start(c, "atcs")
    start = c.scalar(c.components(slots))
    walker = Walker(c, slots, seed=1, near=near)
    assert walker.value == start
    walker.run(400)
    assert walker.best < 0.9 * start
    best, comps = walker.best_slots()
    assert comps == c.components(best)
    assert c.scalar(comps) == walker.best
    solution = Solution("feasible", c.assignments(best), None, None, None)
    assert verify(problem, solution) == []


def test_plants_that_go_to_lns_run_the_walk_beside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    beside = engine.walk_beside

    def counted(*args: object, **kw: object) -> None:
        calls.append("walk")
        beside(*args, **kw)

    monkeypatch.setattr(engine, "walk_beside", counted)
    problem = generate_plant(300, 8, seed=8)
    c = Compiled(problem)
    start = min(c.scalar(c.components(_start(c, r))) for r in ("atcs", "atcs+ot", "edd"))
    solution = solve(problem, time_limit_s=4, seed=1)
    assert calls == ["walk"]
    assert verify(problem, solution) == []
    assert solution.objective is not None and solution.objective < start


def test_lexicographic_plants_keep_to_lns(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = generate_plant(200, 6, seed=9)
    lex = dataclasses.replace(
        problem, objective=dataclasses.replace(problem.objective, mode="lexicographic")
    )
    called: list[bool] = []
    monkeypatch.setattr(engine, "walk_beside", lambda *a, **k: called.append(True))
    solution = solve(lex, time_limit_s=2, seed=1)
    assert not called
    assert verify(lex, solution) == []


def test_a_failure_in_the_walk_reaches_the_caller_and_stops_lns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scheduling.solver import plantsearch

    def broken(self: Walker, iterations: int) -> None:
        raise RuntimeError("walk broke")

    monkeypatch.setattr(plantsearch.Walker, "run", broken)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="walk broke"):
        solve(generate_plant(300, 8, seed=8), time_limit_s=60, seed=1)
    assert time.monotonic() - started < 20  # margins for a loaded machine; the limit is 60


def test_every_candidate_of_a_long_chain_of_flexible_steps_has_room() -> None:
    """30 late one-step orders queued on one of six machines: the chain is the whole queue,
    and each step has three moves there and five to other machines (240 candidates, more
    than four per operation)."""
    machines = tuple(machine(f"M{k}") for k in range(6))
    jobs = tuple(
        job(f"J{i}", op(f"o{i}", *((f"M{k}", 10) for k in range(6))), due=0) for i in range(30)
    )
    problem = Problem(horizon=10_000, machines=machines, jobs=jobs)
    c = Compiled(problem)
    slots: list[Slot] = [(0, 10 * i, 10 * i, 10 * i + 10) for i in range(30)]
    walker = Walker(c, slots, seed=0)
    assert walker.value > 0
    found = kernel.candidates(walker.pl, walker.sc, walker.wk, 29)
    assert 4 * 30 + 16 < found <= walker.wk.cand.shape[1]
    walker.run(50)
    best, comps = walker.best_slots()
    assert comps == c.components(best)
    assert c.scalar(comps) == walker.best < walker.value


def _late_share(problem: Problem, rule: str) -> float:
    c = Compiled(problem)
    inc = Incumbent(c, time.monotonic(), None)
    inc.offer(_start(c, rule), "dispatch")
    jobs = problem.jobs
    assert inc.slots is not None
    late = [j for j, chain in enumerate(c.job_ops) if inc.slots[chain[-1]][3] > (jobs[j].due or 0)]
    assert engine.congested(c, inc) == (len(late) >= engine.CONGESTED_LATE_SHARE * len(jobs))
    return len(late) / len(jobs)


def test_a_plant_is_congested_when_a_quarter_of_its_orders_are_late(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "CONGESTED_MIN_OPS", 8)
    machines = (machine("M0"),)
    jobs = tuple(job(f"J{i}", op(f"o{i}", ("M0", 10)), due=10 * i + 10) for i in range(8))
    on_time = Problem(horizon=1_000, machines=machines, jobs=jobs)
    assert _late_share(on_time, "edd") == 0.0
    # the first two due at 5: one in four late whatever the order
    two_late = dataclasses.replace(
        on_time,
        jobs=tuple(dataclasses.replace(j, due=5) if i < 2 else j for i, j in enumerate(jobs)),
    )
    assert _late_share(two_late, "edd") == 0.25
    one_late = dataclasses.replace(on_time, jobs=(dataclasses.replace(jobs[0], due=5), *jobs[1:]))
    assert _late_share(one_late, "edd") == 0.125
    # and only a plant of CONGESTED_MIN_OPS operations or more
    c = Compiled(two_late)
    inc = Incumbent(c, time.monotonic(), None)
    inc.offer(_start(c, "edd"), "dispatch")
    assert engine.congested(c, inc)
    monkeypatch.setattr(engine, "CONGESTED_MIN_OPS", 9)
    assert not engine.congested(c, inc)


@pytest.mark.parametrize(
    ("seed", "min_ops", "two_walks"), [(8, 0, False), (5, 0, True), (5, 2000, False)]
)
def test_large_congested_plants_run_a_second_walk_before_lns(
    monkeypatch: pytest.MonkeyPatch, seed: int, min_ops: int, two_walks: bool
) -> None:
    """generate_plant(300, 8) with seed 5 has 30% of its orders late after the construction,
    with seed 8 8%; at 300 operations it is large only when the least size is lowered."""
    monkeypatch.setattr(engine, "CONGESTED_MIN_OPS", min_ops)
    calls: list[str] = []
    walk_, improve_ = engine.walk, engine.improve

    def walked(*args: object, **kw: object) -> None:
        calls.append(f"{kw['source']} ignoring {kw['ignore']} near {kw['near']}")
        walk_(*args, **kw)

    def improved(*args: object, **kw: object) -> None:
        calls.append("lns")
        improve_(*args, **kw)

    beside = engine.walk_beside

    def first(*args: object, **kw: object) -> None:
        calls.append(f"walk ignoring {kw['ignore']} near {kw['near']}")
        beside(*args, **kw)

    monkeypatch.setattr(engine, "walk", walked)
    monkeypatch.setattr(engine, "improve", improved)
    monkeypatch.setattr(engine, "walk_beside", first)
    problem = generate_plant(300, 8, seed=seed)
    solution = solve(problem, time_limit_s=4, seed=1)
    assert verify(problem, solution) == []
    if two_walks:
        # each walk goes its own way; LNS follows when the second finds nothing better
        # both sampling the moves near the late orders more often
        assert calls[:2] == [
            "walk ignoring ('walk:2',) near True",
            "walk:2 ignoring ('walk',) near True",
        ]
        assert calls[2:] in ([], ["lns"])
    else:
        assert calls == ["walk ignoring () near False", "lns"]


def test_a_walk_with_an_idle_limit_stops_when_it_finds_nothing_better() -> None:
    machines = (machine("M0"),)
    jobs = tuple(job(f"J{i}", op(f"o{i}", ("M0", 10)), due=10 * i + 10) for i in range(8))
    c = Compiled(Problem(horizon=1_000, machines=machines, jobs=jobs))
    inc = Incumbent(c, time.monotonic(), None)
    inc.offer(_start(c, "edd"), "dispatch")  # on time, and as short as it gets
    started = time.monotonic()
    walk(c, inc, deadline=started + 60, seed=0, stop=lambda: False, idle_s=1.0)
    assert time.monotonic() - started < 20  # margins for a loaded machine; the limit is 60
    assert inc.source == "dispatch"
