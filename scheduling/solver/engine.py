"""`solve()`: construction, then CP-SAT (whole model or large neighbourhood search), raced by
the tabu search on plain job shops and by the plant walk on plants."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from .bounds import earliest_processing, makespan_bound, tardiness_bound
from .compiled import Compiled, Slot
from .construct import construct
from .cpmodel import stage_model, stage_objective
from .cpsat import run
from .diagnose import diagnose
from .dispatch import variants
from .incumbent import Incumbent
from .jobshop import as_shop, race
from .kernels import warm_up
from .lns import improve
from .model import COMPONENTS, Problem, Progress, Solution, SolutionStatus
from .plantsearch import SECOND_SOURCE, SOURCE, walk, walk_beside
from .state import ScheduleState

# Above this many (operation, machine) pairs the whole model is left to LNS.
FULL_MODEL_MAX_MODES = 700
# With calendars and changeovers the whole model presolves slowly; LNS takes over sooner.
FULL_MODEL_MAX_MODES_CALENDARS = 120
UNHINTED_MAX_MODES = 40_000
# Share of the time limit the construction may use. Small plants run every rule in moments;
# on 10,000 operations a rule takes about a second, and another rule variant (a few percent
# better or worse, unpredictably) was measured to pay more than the same seconds of LNS.
CONSTRUCTION_SHARE = 0.3
# Plants that go to the walk run the rules in machine code from this many operations on
# (construct.py: the same schedules; the walk loads Numba anyway). Below it all the variants
# take well under a second in Python.
COMPILED_RULES_MIN_OPS = 500
# Strong disjunctive propagation (edge finding and not-first/not-last on every NoOverlap) for
# whole models of up to this many operations. It is what proves job shops: at 30 s on 2
# workers, ft10 went from 1 proof in 3 seeds to 3 and ta02-ta04 from unproven to proven,
# 400-450-operation job shops ended 3% lower. Each node costs more, though, and from about
# 750 operations (50 x 15, 40 x 20, 100 x 20) the slower search ended 4-10% higher, so
# larger models keep the default (docs/solver.md).
STRONG_PROPAGATION_MAX_OPS = 500
STRONG_PROPAGATION: dict[str, object] = {"use_strong_propagation_in_disjunctive": True}
# Plain job shops race the tabu search when they are flexible, have more than RACE_MIN_OPS
# operations or are long (at least RACE_JOBS_PER_MACHINE jobs per machine). Up to 15 x 15
# (225) CP-SAT alone proves about half the Taillard shops in 30 s, and racing them cost proofs
# (ta02, ta10) and found nothing better. From 20 x 15 (300) it proves none, and the compiled
# search is far ahead: 20 s, 2 workers, CP-SAT alone against the race on generated shops:
# 20 x 15 1,364 vs 1,302, 15 x 20 1,424 vs 1,418, 20 x 20 1,671 vs 1,586 and 1,663 vs 1,602.
# Long shops have their machine-load bound near, and the search finds it (30 x 15: 1,656,
# proven, in 3.7 s). Flexible shops gain from the search's machine moves at any size: 20 s,
# Brandimarte mk06 (150 operations) 62 with CP-SAT alone (the textbook model: 59) against 58
# raced, mk10 (240) 228 against 198 (best known 193); mk01-mk05 are still proven in 30 s.
# Above RACE_MIN_OPS, shops without alternative machines run one search per worker and no
# CP-SAT (session 12, 20 s, 2 workers, seeds 0 and 1, on abz7, abz8, la29, swv06, swv11, ta11,
# ta21, ta31, ta41 and yn1, unseen: 1.21% and 1.41% above their best known values raced, 0.91%
# and 1.16% with two searches, only abz7 on seed 1 worse, 669 against 665; ta15, ta25, ta45,
# yn3 level or better, ta51, ta61, ta71 and swv16 at their optimum either way):
# CP-SAT proves none of them in the time, and the search's outcome varies so much from seed to
# seed that a second one pays more than CP-SAT's share. Flexible shops keep CP-SAT, whose
# machine choices and proofs count there (mk01-mk05 lost their proofs without it).
RACE_MIN_OPS = 250
RACE_JOBS_PER_MACHINE = 2
# There each search also starts afresh from the construction (with another seed) once its best
# has not improved for FRESH_AFTER_S seconds, nor for as long as it took to reach it. Same ten
# shops and seeds: 0.82% and 0.89% (after a fixed 1.5 s: 1.02% and 0.97%; 3 s: 0.85% and 0.97%;
# 6 s: 0.82% and 0.96%), against 0.91% and 1.16% without.
FRESH_AFTER_S = 3.0
# Plants that go to LNS run the compiled walk beside it (plantsearch.py).
WALK = True
# Large congested plants (at least CONGESTED_MIN_OPS operations, and at least
# CONGESTED_LATE_SHARE of the orders late after the construction) run a second walk in LNS's
# place, the two going their own ways, until the second has found nothing better for
# WALK_IDLE_S. There the walk's moves, which ripple through everything after them, pay more
# than LNS's exact re-solves of small neighbourhoods frozen in time: 30 s, 2 runs each, the
# objective went 24.3 M -> 19.3-21.1 M on a 2,819-operation plant with 68% of its orders late,
# 33.1-33.8 M -> 30.5 M on 4,000 operations (52% late), plant-L (10,000, 36%) at 60 s
# 26.3-26.4 M -> 24.4-24.5 M. LNS pays more where few orders are late (plant-M, 8%: 302 k
# against 319 k with two walks) and on smaller plants (800 operations, 42% late: 1.60-1.77 M
# against 1.83-1.84 M), where its neighbourhoods cover much of the plant
# (docs/solver-experiments.md).
CONGESTED_LATE_SHARE = 0.25
CONGESTED_MIN_OPS = 2000
WALK_IDLE_S = 3.0
# There both walks also sample the moves nearer the late order more often (`near`, with
# NEAR_DRAWS in plantsearch.py; the figures below are for the least of two draws): a move far
# back along a late order's chain ripples through thousands of operations there, and is dear
# to decode and seldom the best. 30 s (plant-L 60 s), back to back, uniform -> near: plant-L
# 2.67 M -> 2.25 M weighted tardiness, 2,819 operations 26.3 M / 26.5 M -> 24.2 M / 25.3 M,
# 4,000 operations 33.1 M -> 30.6 M. On smaller plants it lost: 800 operations (walk + LNS)
# 1.67-1.92 M -> 2.00-2.35 M; plant-M was level (307-314 k -> 312-316 k).


def solve(
    problem: Problem,
    *,
    time_limit_s: float,
    workers: int = 2,
    seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    strategy: str = "auto",
    trace: Callable[[str], None] | None = None,
    on_improvement: Callable[[float, Mapping[str, int]], None] | None = None,
) -> Solution:
    """Schedule `problem` within `time_limit_s` seconds of wall time.

    A dispatching-rule schedule comes first (reported through `on_progress`), then CP-SAT
    improves it; the result is never worse than the construction. `should_stop` is polled about
    every 50 ms; stopping returns the best schedule so far. `strategy` is "auto", "full"
    (one CP-SAT model) or "lns" (LNS alone, without the tabu race or the plant walk).
    `on_improvement(elapsed_s, components)` sees every new best schedule's objective
    components; `trace` receives LNS diagnostics.
    """
    started = time.monotonic()
    deadline = started + time_limit_s
    conflicts = diagnose(problem)
    if conflicts:
        return Solution(
            status="infeasible",
            assignments=(),
            objective=None,
            bound=None,
            gap=None,
            components={},
            elapsed_s=time.monotonic() - started,
            conflicts=tuple(conflicts),
        )
    c = Compiled(problem)
    inc = Incumbent(c, started, on_progress, on_improvement)

    def stop() -> bool:
        return time.monotonic() >= deadline or (should_stop is not None and should_stop())

    weighted = problem.objective.mode == "weighted"
    n_modes = sum(len(op.modes) for op in c.ops)
    simple = not c.has_changeovers and all(mi.always for mi in c.machines)
    full = strategy == "full" or (
        strategy == "auto"
        and n_modes <= (FULL_MODEL_MAX_MODES if simple else FULL_MODEL_MAX_MODES_CALENDARS)
    )
    # Large plain job shops: CP-SAT's own LNS on the whole model beats ours, and a hint
    # (which presolve must keep feasible) makes it worse; the construction only bounds it.
    unhinted = strategy == "auto" and simple and not full and n_modes <= UNHINTED_MAX_MODES
    shop = as_shop(c) if strategy == "auto" else None
    plant = WALK and strategy == "auto" and weighted and shop is None and not (full or unhinted)
    rules = variants(c, makespan_only(problem))
    budget_s = min(time_limit_s * CONSTRUCTION_SHARE, 20.0)
    if plant and len(c.ops) >= COMPILED_RULES_MIN_OPS:
        # the first rule in Python: the first schedule does not wait for Numba to load
        construct(c, inc, rules[:1], budget_s=budget_s, stop=stop)
        warm_up()
        left = budget_s - (time.monotonic() - started)
        construct(c, inc, rules[1:], budget_s=left, stop=stop, compiled=True, lanes=min(2, workers))
    else:
        construct(c, inc, rules, budget_s=budget_s, stop=stop)
    if weighted:
        inc.set_bound(simple_bound(c))
    proven = False
    # Plain job shops: the tabu search races the whole model (jobshop.py), except on small
    # square ones without alternative machines, where CP-SAT with strong propagation proves
    # what the search cannot find and needs both cores to (RACE_MIN_OPS). CP-SAT keeps all
    # its workers in the race: with one fewer the large job shops were no better, the proofs
    # slower, and a 60 x 10 flexible shop 3% worse (2,962 against 2,872 in 20 s: CP-SAT's
    # machine choices count there).
    long_shop = len(c.problem.jobs) >= RACE_JOBS_PER_MACHINE * len(c.machines)
    if (
        shop is not None
        and inc.slots is not None
        and (shop.flexible or len(c.ops) > RACE_MIN_OPS or long_shop)
        and not stop()
    ):

        def cpsat(st: Callable[[], bool]) -> bool:
            return _solve_full(c, inc, deadline, workers, seed, st, hint=full)

        whole = full or unhinted
        alone = not shop.flexible and len(c.ops) > RACE_MIN_OPS and workers >= 2
        proven = race(
            c,
            inc,
            shop,
            deadline=deadline,
            seed=seed,
            stop=stop,
            cpsat=cpsat if whole and not alone else None,
            searches=workers if alone else 1,
            fresh_after_s=FRESH_AFTER_S if alone else None,
        )
    elif not stop():
        if full or unhinted or inc.slots is None:
            proven = _solve_full(c, inc, deadline, workers, seed, stop, hint=not unhinted)
        elif plant:
            _plant_search(
                c, inc, deadline=deadline, workers=workers, seed=seed, stop=stop, trace=trace
            )
        else:
            improve(c, inc, deadline=deadline, workers=workers, seed=seed, stop=stop, trace=trace)
    return finish(c, inc, started, proven)


def congested(c: Compiled, inc: Incumbent) -> bool:
    """Whether the plant is large and at least `CONGESTED_LATE_SHARE` of its orders are late
    in the incumbent."""
    slots = inc.slots
    if slots is None or len(c.ops) < CONGESTED_MIN_OPS:
        return False
    late = 0
    for job, chain in zip(c.problem.jobs, c.job_ops, strict=True):
        if chain and job.due is not None and slots[chain[-1]][3] > job.due:
            late += 1
    return late >= CONGESTED_LATE_SHARE * max(1, len(c.job_ops))


def makespan_only(problem: Problem) -> bool:
    """Whether the objective weighs the makespan alone."""
    obj = problem.objective
    return obj.mode == "weighted" and all(obj.weight(k) == 0 for k in COMPONENTS if k != "makespan")


def _plant_search(
    c: Compiled,
    inc: Incumbent,
    *,
    deadline: float,
    workers: int,
    seed: int,
    stop: Callable[[], bool],
    trace: Callable[[str], None] | None,
) -> None:
    """Plants: the compiled walk beside LNS (plantsearch.py), each taking up the other's
    better schedules; on large congested plants beside a second walk, each going its own
    way, until the second finds nothing better for a while and LNS takes its place."""
    # Numba and the walk load first, here: loading reads many cache files, and a thread that
    # gives up the interpreter that often waits for it each time while LNS runs Python (it
    # started 10 s late on plant-L)
    warm_up()
    two_walks = congested(c, inc)

    def other(st: Callable[[], bool]) -> None:
        if two_walks:
            walk(
                c,
                inc,
                deadline=deadline,
                seed=seed + 1,
                stop=st,
                source=SECOND_SOURCE,
                ignore=(SOURCE,),
                idle_s=WALK_IDLE_S,
                near=True,
            )
        if not st():
            improve(c, inc, deadline=deadline, workers=workers, seed=seed, stop=st, trace=trace)

    ignore = (SECOND_SOURCE,) if two_walks else ()
    walk_beside(
        c, inc, deadline=deadline, seed=seed, stop=stop, other=other, ignore=ignore, near=two_walks
    )


def simple_bound(c: Compiled) -> int:
    """A cheap lower bound on the weighted objective (tardiness and makespan floors)."""
    obj = c.problem.objective
    starts, ends = earliest_processing(c)
    load = [0] * len(c.machines)
    for op in c.ops:
        if len(op.modes) == 1:
            load[op.modes[0][0]] += op.modes[0][1] + op.modes[0][2]
    ms = max(ends + load + [slot[3] for slot in c.fixed.values()] + [0])
    if c.machines and all(m.always for m in c.machines):
        # all the work, each step at its quickest, spread evenly over machines that never stop
        work = sum(min((d + s for _, d, s in op.modes), default=0) for op in c.ops)
        ms = max(ms, -(-work // len(c.machines)))
    ms = max(ms, makespan_bound(c, starts))
    tard = tardiness_bound(c) if obj.weighted_tardiness else 0
    return obj.weighted_tardiness * tard + obj.makespan * ms


def _solve_full(
    c: Compiled,
    inc: Incumbent,
    deadline: float,
    workers: int,
    seed: int,
    stop: Callable[[], bool],
    hint: bool = True,
) -> bool:
    """The whole model in one CP-SAT run per stage; True when proven optimal."""
    obj = c.problem.objective
    stages: list[int | None] = [None] if obj.mode == "weighted" else list(range(len(obj.order)))
    proven = True
    for i, stage in enumerate(stages):
        left = deadline - time.monotonic()
        if left <= 0.05 or stop():
            return False
        share = left / (len(stages) - i)
        hi = None
        if stage is None and makespan_only(c.problem) and inc.slots is not None:
            hi = inc.comps["makespan"]
        state = ScheduleState(c, inc.slots) if inc.slots is not None else None
        sub = stage_model(c, state, inc.comps, stage, list(range(len(c.ops))), hi=hi, hint=hint)

        def on_solution(slots: list[Slot], value: int, bound: int, st: int | None = stage) -> None:
            inc.offer(slots, "cpsat")
            if st is None or st == 0:
                inc.set_bound(bound)

        res = run(
            sub,
            stage_objective(sub, stage),
            time_limit_s=share,
            workers=workers,
            seed=seed,
            should_stop=stop,
            on_solution=on_solution,
            params=STRONG_PROPAGATION if len(c.ops) <= STRONG_PROPAGATION_MAX_OPS else None,
        )
        if res.slots is not None:
            inc.offer(res.slots, "cpsat")
        if res.bound is not None and (stage is None or stage == 0):
            inc.set_bound(res.bound)
        if res.status == "infeasible" and inc.slots is None:
            return False
        if res.status != "optimal":
            proven = False
    return proven


def finish(c: Compiled, inc: Incumbent, started: float, proven: bool) -> Solution:
    if inc.slots is None:
        return Solution(
            status="unknown",
            assignments=(),
            objective=None,
            bound=inc.bound,
            gap=None,
            components={},
            elapsed_s=time.monotonic() - started,
        )
    status: SolutionStatus = "optimal" if proven else "feasible"
    if proven and inc.key is not None:
        inc.bound = inc.key[0]
    return Solution(
        status=status,
        assignments=c.assignments(inc.slots),
        objective=inc.key[0] if inc.key else None,
        bound=inc.bound,
        gap=inc.gap(),
        components=dict(inc.comps),
        time_to_first_s=inc.time_to_first,
        time_to_best_s=inc.time_to_best,
        elapsed_s=time.monotonic() - started,
        first_source=inc.first_source,
    )
