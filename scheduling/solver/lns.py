"""Large neighbourhood search: free a part of the incumbent, re-solve it with CP-SAT, repeat.

Neighbourhoods (chosen at random, each adapting its own size):

* `window`: the operations whose setup starts fall in a random stretch of time, all machines;
* `machines`: a few random machines over a longer stretch of time;
* `late`: a stretch of time ending where a late order (or the last operation) finishes.

Everything else is frozen at the incumbent. A sub-model that is solved to optimality quickly
grows its neighbourhood; one that runs out of time shrinks it.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_left
from collections.abc import Callable

from .compiled import Compiled, Slot
from .cpsat import run
from .incumbent import Incumbent

KINDS = ("window", "machines", "late")


class _Neighbourhoods:
    def __init__(self, c: Compiled, rng: random.Random) -> None:
        self.c = c
        self.rng = rng
        self.movable = [o for o in range(len(c.ops)) if o not in c.fixed]
        base = max(10, min(30, len(self.movable) // 4))
        self.size = dict.fromkeys(KINDS, float(base))
        self.max_size = max(20, len(self.movable))

    def pick(self, slots: list[Slot]) -> tuple[str, list[int]]:
        kind = self.rng.choice(KINDS)
        n = int(self.size[kind])
        order = sorted(self.movable, key=lambda o: slots[o][1])
        if kind == "machines":
            n_m = len(self.c.machines)
            k = max(1, min(n_m, self.rng.randint(2, 4)))
            ms = set(self.rng.sample(range(n_m), k))
            order = [o for o in order if slots[o][0] in ms]
        if not order:
            return kind, []
        if kind == "late":
            anchor = self._late_anchor(slots)
            starts = [slots[o][1] for o in order]
            i = max(0, bisect_left(starts, anchor) - n + n // 4)
        else:
            i = self.rng.randrange(max(1, len(order) - n + 1))
        return kind, order[i : i + n]

    def _late_anchor(self, slots: list[Slot]) -> int:
        c = self.c
        jobs = c.problem.jobs
        late = []
        for j, chain in enumerate(c.job_ops):
            due = jobs[j].due
            if chain and due is not None and slots[chain[-1]][3] > due:
                late.append(slots[chain[-1]][3])
        if late:
            return self.rng.choice(late)
        return max((s[3] for s in slots), default=0)

    def adapt(self, kind: str, solved: bool) -> None:
        factor = 1.1 if solved else 0.8
        self.size[kind] = min(self.max_size, max(8.0, self.size[kind] * factor))


def improve(
    c: Compiled,
    inc: Incumbent,
    *,
    deadline: float,
    workers: int,
    seed: int,
    stop: Callable[[], bool],
    trace: Callable[[str], None] | None = None,
) -> None:
    """Improve `inc` until the deadline or a stop request."""
    from .engine import _objective, stage_model

    obj = c.problem.objective
    stages: list[int | None] = [None] if obj.mode == "weighted" else list(range(len(obj.order)))
    rng = random.Random(seed)
    hood = _Neighbourhoods(c, rng)
    if not hood.movable:
        return
    for si, stage in enumerate(stages):
        stage_deadline = time.monotonic() + (deadline - time.monotonic()) / (len(stages) - si)
        sub_limit = 1.0
        it = 0
        while not stop() and time.monotonic() < stage_deadline - 0.05:
            assert inc.slots is not None
            it += 1
            t_it = time.monotonic()
            kind, free = hood.pick(inc.slots)
            if not free:
                continue
            lo = min(inc.slots[o][1] for o in free)
            hi = max(inc.slots[o][3] for o in free)
            sub = stage_model(c, inc, stage, free, lo=lo, hi=hi)
            t_built = time.monotonic()
            left = stage_deadline - time.monotonic()
            res = run(
                sub,
                _objective(sub, stage),
                time_limit_s=min(sub_limit, left),
                workers=workers,
                seed=seed + it,
                should_stop=stop,
            )
            better = res.slots is not None and inc.offer(res.slots, "cpsat")
            hood.adapt(kind, res.status == "optimal")
            if trace is not None:
                trace(
                    f"it={it} {kind} n={len(free)} {res.status} better={better} "
                    f"build={t_built - t_it:.2f}s total={time.monotonic() - t_it:.2f}s"
                )
