"""Plain job shops that minimise the makespan: a tabu search races CP-SAT's whole model.

A plain job shop (flexible or not) has machines that are always available, no changeovers,
lags or frozen work, and the makespan as the whole objective. There the critical-path tabu
search (`tabu.py`) is far ahead of CP-SAT on large and on long shops (it reaches the
machine-load bound of a 100 x 20 Taillard-style shop within two seconds, where CP-SAT is 2%
above it after 30 s), and CP-SAT is ahead on small square ones, which it can prove. Both run
at once: the search in a thread (CP-SAT releases the interpreter while it solves), each taking
up the other's better schedules, until one proves the best schedule optimal or time is up.
On shops of more than 250 operations without alternative machines CP-SAT adds nothing in the
time, and one search per core takes its place, each starting fresh runs when it stalls.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable

from .compiled import Compiled, Slot
from .incumbent import Incumbent
from .model import COMPONENTS
from .tabu import Shop, tabu_search
from .threads import beside

# The searches' seeds: seed, seed + SEED_STRIDE, ...
SEED_STRIDE = 7919


def as_shop(c: Compiled) -> Shop | None:
    """The problem as a plain (flexible) job shop, or None when it is anything more."""
    obj = c.problem.objective
    if obj.mode != "weighted" or obj.weight("makespan") <= 0:
        return None
    if any(obj.weight(k) for k in COMPONENTS if k != "makespan"):
        return None
    if c.fixed or c.has_changeovers or any(not m.always or m.overtime for m in c.machines):
        return None
    if any(not op.modes or op.min_lag or op.max_lag is not None for op in c.ops):
        return None
    n = len(c.ops)
    job_prev, job_next, release = [-1] * n, [-1] * n, [0] * n
    for j, chain in enumerate(c.job_ops):
        for a, b in itertools.pairwise(chain):
            job_next[a] = b
            job_prev[b] = a
        for o in chain:  # the release holds the processing; a routing setup may precede it
            setup = min(s for _, _, s in c.ops[o].modes)
            release[o] = max(0, c.problem.jobs[j].release - setup)
    return Shop(
        modes=[[(m, duration + setup) for m, duration, setup in op.modes] for op in c.ops],
        job_prev=job_prev,
        job_next=job_next,
        release=release,
        n_machines=len(c.machines),
    )


def slots_of(c: Compiled, starts: list[int], machines: list[int]) -> list[Slot]:
    """Slots from block starts and machines (the routing setup first, then the processing)."""
    out: list[Slot] = []
    for op, s, m in zip(c.ops, starts, machines, strict=True):
        _, duration, setup = next(mode for mode in op.modes if mode[0] == m)
        out.append((m, s, s + setup, s + setup + duration))
    return out


def race(
    c: Compiled,
    inc: Incumbent,
    shop: Shop,
    *,
    deadline: float,
    seed: int,
    stop: Callable[[], bool],
    cpsat: Callable[[Callable[[], bool]], bool] | None,
    searches: int = 1,
    fresh_after_s: float | None = None,
) -> bool:
    """`searches` tabu searches beside `cpsat(stop)` (None: the searches alone); True when
    proven optimal.

    The searches start from the incumbent with different seeds and go their own ways: each
    takes up CP-SAT's better schedules, not the other's (taking up the other's best after 3 s
    without a new one of its own was worse, 1.01% / 1.20% above the best known values of ten
    medium shops against 0.91% / 1.16%). `fresh_after_s`: see `tabu_search`.
    """
    assert inc.slots is not None
    start = c.sequences(inc.slots)
    cp_done = threading.Event()

    def search(k: int) -> None:
        seen = [inc.key]

        def incoming() -> tuple[int, list[list[int]]] | None:
            with inc.lock:
                if inc.key == seen[0] or inc.slots is None or inc.source == "tabu":
                    return None
                seen[0] = inc.key
                return inc.comps["makespan"], c.sequences(inc.slots)

        def improved(makespan: int, starts: list[int], machines: list[int]) -> None:
            with inc.lock:
                if inc.offer(slots_of(c, starts, machines), "tabu"):
                    seen[0] = inc.key

        tabu_search(
            shop,
            start,
            deadline=deadline,
            seed=seed + SEED_STRIDE * k,
            on_improvement=improved,
            should_stop=lambda: stop() or cp_done.is_set() or inc.reached_bound(),
            incoming=incoming,
            fresh_after_s=fresh_after_s,
        )

    def main(failed: Callable[[], bool]) -> bool:
        if cpsat is None:
            return False  # the searches alone run to the deadline
        try:
            return cpsat(lambda: stop() or inc.reached_bound() or failed())
        finally:
            cp_done.set()

    searchers = [functools.partial(search, k) for k in range(max(1, searches))]
    proven = beside("takt-tabu", searchers, main)
    return proven or inc.reached_bound()
