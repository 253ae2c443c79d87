"""Tabu search on the critical path, for job shops that minimise the makespan alone.

The schedule is the order of the operations on each machine; the start times follow as the
longest paths of the graph of job and machine arcs (every operation as early as its job and
machine predecessors allow). Only a change to a critical block (a run of the critical path on
one machine) can shorten the makespan, so a move takes the first or last operation of a block
to another place in it, or an inner one to its start or end (the N7 neighbourhood of Zhang et
al., after Balas and Vazacopoulos), wherever a test on heads and tails shows it cannot close a
cycle. In a flexible shop a critical operation may also go to another of its machines. Each
move is scored by the longest path through the moved run, with the heads and tails outside it
taken as they were (an estimate, O(run)); the best move that is not tabu is made, or a tabu
one that would beat the best schedule, and the order it reversed stays tabu for a randomised
tenure. When the best stops improving, the search goes back to it and perturbs it; where it is
asked to, it also starts afresh from the given schedule after a while without a better one.

The iterations run compiled (`tabukernel/`) and release the interpreter, so the search
runs beside CP-SAT's callbacks. `tabu_search` drives them in slices of a few milliseconds,
between which it polls the stop signal, reports and takes up schedules found elsewhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .tabukernel.graph import Graph

# The seeds of fresh runs: seed, seed + FRESH_SEED_STRIDE, ...
FRESH_SEED_STRIDE = 104_729


@dataclass(frozen=True, slots=True)
class Shop:
    """A (flexible) job shop: per operation its modes, its job neighbours and its release."""

    modes: Sequence[Sequence[tuple[int, int]]]  # (machine, time) per eligible machine
    job_prev: Sequence[int]  # -1 for a job's first operation
    job_next: Sequence[int]  # -1 for a job's last operation
    release: Sequence[int]  # earliest start
    n_machines: int

    @property
    def flexible(self) -> bool:
        return any(len(m) > 1 for m in self.modes)


@dataclass(slots=True)
class TabuResult:
    makespan: int
    starts: list[int]
    machines: list[int]  # per operation
    iterations: int
    runs: int = 1  # fresh starts from the given sequences (fresh_after_s)


def tenure(shop: Shop) -> tuple[int, int]:
    """The range a move stays tabu in, in iterations (drawn afresh for each move).

    Plain job shops take Zhang et al.'s 10 + jobs/machines, up to 40% more: measured against
    the earlier 8 + operations/(2 machines) (which on a plain shop is 8 + jobs/2, so 15 on a
    15 x 15 shop and 58 on a 100 x 20 one), the search alone for 10 s from the construction
    ended 0.37% above the best known values of ta05-ta09 against 0.70% (4 seeds each), and
    1.55% against 1.83% on ten unseen 20 x 10 to 30 x 20 shops (2 seeds). Flexible shops keep
    the longer tenure: there a shorter one was worse (dp07a, dp12a, dp16a, mk10).
    """
    m = max(1, shop.n_machines)
    if shop.flexible:
        lo = 8 + len(shop.modes) // (2 * m)
        return lo, lo + max(4, lo // 2)
    jobs = sum(1 for p in shop.job_prev if p < 0)
    lo = 10 + jobs // m
    return lo, lo + max(2, 2 * lo // 5)


def new_graph(shop: Shop, sequences: Sequence[Sequence[int]]) -> Graph:
    """The search's arrays for `shop` with the machine order `sequences`."""
    from .tabukernel.graph import JN, JP, MODE_PTR, REL, ROWS, SCALARS, Graph, load

    n, n_m = len(shop.modes), shop.n_machines
    flat = [mode for modes in shop.modes for mode in modes]
    op = np.zeros((ROWS, n + 1), np.int64)
    op[JP, :n], op[JN, :n], op[REL, :n] = shop.job_prev, shop.job_next, shop.release
    op[MODE_PTR, 1:] = np.cumsum([len(modes) for modes in shop.modes])
    table = 1 << max(12, (16 * n).bit_length())
    g = Graph(
        op=op,
        modes=np.array([[m for m, _ in flat], [t for _, t in flat]], np.int64).reshape(2, -1),
        seq=np.full((n_m, max(1, n)), -1, np.int64),
        best_seq=np.full((n_m, max(1, n)), -1, np.int64),
        slen=np.zeros((2, n_m), np.int64),
        cand=np.zeros((5, 4 * n + len(flat) + 8), np.int64),
        tab=np.full((2, table), -1, np.int64),
        tabu_m=np.zeros(n * n_m, np.int64),
        sc=np.zeros(SCALARS, np.int64),
    )
    load(g, sequences)
    return g


def tabu_search(
    shop: Shop,
    sequences: Sequence[Sequence[int]],
    *,
    deadline: float,
    seed: int = 0,
    on_improvement: Callable[[int, list[int], list[int]], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    incoming: Callable[[], tuple[int, list[list[int]]] | None] | None = None,
    report_every_s: float = 0.2,
    max_iterations: int | None = None,
    fresh_after_s: float | None = None,
) -> TabuResult:
    """Improve `sequences` (per machine, operation indexes) until `deadline` (monotonic).

    `on_improvement(makespan, starts, machines)` sees new best schedules, at most every
    `report_every_s` and always the last one. `incoming()`, polled every few milliseconds,
    may hand over a schedule found elsewhere (makespan, sequences); a better one than the
    search's own best is taken up. Stops at the deadline, when `should_stop()`, after
    `max_iterations`, or when no move is left (the critical path is one job's chain: optimal).

    With `fresh_after_s`, a run whose best has not improved for that long, nor for as long as
    the run took to reach it, ends, and a new one starts from `sequences` with the next seed
    (`seed + FRESH_SEED_STRIDE`, ...); the best of all runs is kept and reported.
    """
    # Numba (and the compiled search) load only when a shop is searched, not with the solver.
    from .tabukernel.graph import BEST, BEST_MACH, BEST_R, DONE, IT, load
    from .tabukernel.search import begin, iterate, seed_random

    g = new_graph(shop, sequences)
    if begin(g) < 0:
        raise ValueError("the machine sequences contradict the routings (a cycle)")
    seed_random(seed)
    tenure_lo, tenure_hi = tenure(shop)
    n = len(shop.modes)
    patience = max(10_000, 10 * n)
    best = int(g.sc[BEST])  # the best of all runs, and its schedule
    best_starts, best_machines = g.op[BEST_R, :-1].copy(), g.op[BEST_MACH, :-1].copy()
    reported = best
    last_report = time.monotonic()
    run_started = run_best_at = last_report
    runs = 1
    chunk = 8

    def report() -> None:
        nonlocal reported, last_report
        if on_improvement is not None and best < reported:
            on_improvement(best, best_starts.tolist(), best_machines.tolist())
        reported = best
        last_report = time.monotonic()

    while best > 0 and not g.sc[DONE]:
        now = time.monotonic()
        if now >= deadline or (should_stop is not None and should_stop()):
            break
        if best < reported and now - last_report >= report_every_s:
            report()
        offer = incoming() if incoming is not None else None
        if offer is not None and offer[0] < best:
            load(g, offer[1])
            if begin(g) < 0:
                raise ValueError("an incoming schedule contradicts the routings (a cycle)")
            best = reported = int(g.sc[BEST])
            best_starts, best_machines = g.op[BEST_R, :-1].copy(), g.op[BEST_MACH, :-1].copy()
            run_best_at = now
        elif fresh_after_s is not None and now - run_best_at > max(
            fresh_after_s, run_best_at - run_started
        ):
            load(g, sequences)
            begin(g)
            seed_random(seed + FRESH_SEED_STRIDE * runs)
            runs += 1
            run_started = run_best_at = now
        count = chunk
        if max_iterations is not None:
            count = min(count, max_iterations - int(g.sc[IT]))
            if count <= 0:
                break
        run_best = int(g.sc[BEST])
        started = time.perf_counter()
        iterate(g, count, patience, tenure_lo, tenure_hi)
        spent = time.perf_counter() - started
        if g.sc[BEST] < run_best:
            run_best_at = time.monotonic()
            if g.sc[BEST] < best:
                best = int(g.sc[BEST])
                best_starts = g.op[BEST_R, :-1].copy()
                best_machines = g.op[BEST_MACH, :-1].copy()
        # slices of about 5 ms: the stop signal and incoming schedules are seen at once
        chunk = max(1, min(4 * chunk, int(chunk * 0.005 / max(spent, 1e-6))))
    report()
    return TabuResult(
        makespan=best,
        starts=best_starts.tolist(),
        machines=best_machines.tolist(),
        iterations=int(g.sc[IT]),
        runs=runs,
    )
