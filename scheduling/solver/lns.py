"""Large neighbourhood search: free a part of the incumbent, re-solve it with CP-SAT, repeat.

Neighbourhoods (chosen at random, each adapting its own size):

* `window`: the operations whose setup starts fall in a random stretch of time, all machines;
* `machines`: a few random machines over a longer stretch of time;
* `late`: a stretch of time ending where a late order (or the last operation) finishes.

Everything else is frozen at the incumbent. A sub-model that is solved to optimality quickly
grows its neighbourhood; one that runs out of time shrinks it.
"""

from __future__ import annotations

import heapq
import random
import time
from bisect import bisect_left
from collections.abc import Callable

from .compiled import Compiled, Slot
from .cpmodel import LinExpr
from .cpsat import run
from .incumbent import Incumbent
from .state import ScheduleState

KINDS = ("window", "machines", "late")


class _Neighbourhoods:
    def __init__(self, c: Compiled, rng: random.Random) -> None:
        self.c = c
        self.rng = rng
        self.movable = [o for o in range(len(c.ops)) if o not in c.fixed]
        base = max(10, min(30, len(self.movable) // 4))
        self.size = dict.fromkeys(KINDS, float(base))
        self.max_size = max(20, len(self.movable))

    def pick(self, state: ScheduleState) -> tuple[str, list[int]]:
        kind = self.rng.choice(KINDS)
        n = int(self.size[kind])
        slots = state.slots
        if kind == "machines":
            n_m = len(self.c.machines)
            k = max(1, min(n_m, self.rng.randint(2, 4)))
            ms = self.rng.sample(range(n_m), k)
            order = [o for m in ms for o in state.seq[m] if o not in self.c.fixed]
            order.sort(key=lambda o: slots[o][1])
        else:
            order = self._by_start(state)
        if not order:
            return kind, []
        if kind == "late":
            anchor = self._late_anchor(slots)
            starts = [slots[o][1] for o in order]
            i = max(0, bisect_left(starts, anchor) - n + n // 4)
        else:
            i = self.rng.randrange(max(1, len(order) - n + 1))
        return kind, order[i : i + n]

    def _by_start(self, state: ScheduleState) -> list[int]:
        """Movable operations by setup start (a k-way merge of the machine sequences)."""
        fixed = self.c.fixed
        merged = heapq.merge(*state.seq, key=lambda o: state.slots[o][1])
        return [o for o in merged if o not in fixed]

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
    """Improve `inc` until the deadline or a stop request.

    The search walks from a current schedule that may be replaced by an equally good one (so it
    can drift across plateaus); `inc` keeps the best. Sub-models also minimise, as a guide, the
    end times of free operations of late orders: moving them earlier does not change the
    objective by itself but makes room for the next neighbourhood to cut tardiness.
    """
    from .engine import _objective, stage_model
    from .incumbent import objective_key

    obj = c.problem.objective
    stages: list[int | None] = [None] if obj.mode == "weighted" else list(range(len(obj.order)))
    rng = random.Random(seed)
    hood = _Neighbourhoods(c, rng)
    if not hood.movable or inc.slots is None:
        return
    state = ScheduleState(c, inc.slots)
    for si, stage in enumerate(stages):
        stage_deadline = time.monotonic() + (deadline - time.monotonic()) / (len(stages) - si)
        guide = obj.weighted_tardiness > 0 and (
            stage is None or obj.order[stage] == "weighted_tardiness"
        )
        caps = state.components()
        cur_key = objective_key(obj, caps)
        it = 0
        while not stop() and time.monotonic() < stage_deadline - 0.05:
            it += 1
            t_it = time.monotonic()
            kind, free = hood.pick(state)
            if not free:
                continue
            slots = state.slots
            lo = min(slots[o][1] for o in free)
            hi = max(slots[o][3] for o in free)
            sub = stage_model(c, state, caps, stage, free, lo=lo, hi=hi)
            target = _objective(sub, stage)
            if guide:
                target = target + _late_guide(c, sub, slots)
            t_built = time.monotonic()
            res = run(
                sub,
                target,
                time_limit_s=min(SUB_LIMIT_S, stage_deadline - time.monotonic()),
                workers=workers,
                seed=seed + it,
                should_stop=stop,
                complete_hint=COMPLETE_HINT,
                full_slots=False,
            )
            better = False
            if res.changes:
                undo = state.update(res.changes)
                comps = state.components()
                key = objective_key(obj, comps)
                if key <= cur_key:
                    cur_key = key
                    better = inc.offer(state.slots, "cpsat", comps)
                else:
                    state.update(undo)
            hood.adapt(kind, res.status == "optimal")
            if trace is not None:
                trace(
                    f"it={it} {kind} n={len(free)} {res.status} better={better} "
                    f"build={t_built - t_it:.2f}s total={time.monotonic() - t_it:.2f}s"
                )


COMPLETE_HINT = True
SUB_LIMIT_S = 1.0


def _late_guide(c: Compiled, sub: object, slots: list[Slot]) -> LinExpr:
    """Sum of weight * end over free operations of orders late in `slots`."""
    from .cpmodel import SubModel

    assert isinstance(sub, SubModel)
    jobs = c.problem.jobs
    terms: list[LinExpr] = []
    for o, ov in sub.vars.items():
        j = c.ops[o].job
        due = jobs[j].due
        if due is not None and slots[c.job_ops[j][-1]][3] > due:
            terms.append(jobs[j].weight * ov.E)
    return sum(terms, start=0)
