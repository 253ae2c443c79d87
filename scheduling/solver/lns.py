"""Large neighbourhood search: free a part of the incumbent, re-solve it with CP-SAT, repeat.

Neighbourhoods (chosen at random, each adapting its own size):

* `window`: the operations whose setup starts fall in a random stretch of time, all machines
  (rich on small plants, thin on large ones: a few operations per machine);
* `centre`: the machines that can run a random operation (a work centre: alternatives that
  share work), over a stretch of time, so operations can move between them and resequence;
* `machines`: a few random machines over a stretch of time;
* `order`: a late order (drawn by its weighted tardiness) with the operations around each of
  its steps on every machine that could run that step;
* `rolling`: a stretch of time on all machines whose later work is not frozen but left out of
  the sub-model and re-timed by decoding the new sequences (a rolling horizon): the later
  steps of its orders may move later (at the cost of their slack), the queues after it on
  each machine move up into any room it makes.

Everything else (but the re-timed work of `rolling`) is frozen at the incumbent. A sub-model
that is solved to optimality quickly grows its neighbourhood; one that runs out of time
shrinks it.
"""

from __future__ import annotations

import heapq
import random
import time
from bisect import bisect_left
from collections.abc import Callable

from .compiled import Compiled
from .cpmodel import stage_model, stage_objective
from .cpsat import run
from .decode import Compactor
from .guides import downstream_guide, late_guide
from .incumbent import Incumbent
from .plantsearch import SOURCE as WALK_SOURCE
from .release import OvertimeRelease, used_pieces
from .state import ScheduleState

KINDS = ("window", "centre", "machines", "order", "rolling")
# kinds whose later work is re-timed by decoding rather than frozen in time
RETIMED_KINDS = ("rolling",)
# operations taken before each step of a late order, on each machine that could run it
ORDER_QUEUE = 3


class _Neighbourhoods:
    def __init__(self, c: Compiled, rng: random.Random) -> None:
        self.c = c
        self.rng = rng
        self.movable = [o for o in range(len(c.ops)) if o not in c.fixed]
        base = max(10, min(30, len(self.movable) // 4))
        self.size = dict.fromkeys(KINDS, float(base))
        self.max_size = max(20, len(self.movable))
        has_due = any(j.due is not None for j in c.problem.jobs)
        self.kinds = KINDS if has_due else tuple(k for k in KINDS if k != "order")
        # objective gained per second of search, by kind (an exponential average)
        self.rate = dict.fromkeys(self.kinds, 0.0)
        self.tried = dict.fromkeys(self.kinds, 0)

    def choose(self) -> str:
        """Mostly the kind that has been paying best lately; sometimes any kind."""
        untried = [k for k in self.kinds if self.tried[k] < 3]
        if untried:
            return self.rng.choice(untried)
        if self.rng.random() < 0.25:
            return self.rng.choice(self.kinds)
        weights = [self.rate[k] + 1e-9 for k in self.kinds]
        return self.rng.choices(self.kinds, weights=weights)[0]

    def reward(self, kind: str, gain: int, seconds: float) -> None:
        self.tried[kind] += 1
        self.rate[kind] = 0.7 * self.rate[kind] + 0.3 * gain / max(seconds, 1e-3)

    def pick(
        self, state: ScheduleState
    ) -> tuple[str, list[int], dict[int, tuple[int, int]], list[int]]:
        """A neighbourhood: its kind, free operations, per-operation bounds (optional) and the
        operations to re-time by decoding rather than freeze (for the re-timed kinds)."""
        kind = self.choose()
        n = int(self.size[kind])
        if kind in RETIMED_KINDS:
            return self._retimed(kind, state, n)
        if kind == "order":
            free, bounds = self._order(state, n)
            if free:
                return kind, free, bounds, []
            kind = "window"
        free, bounds = self._frozen_kind(kind, state, n)
        return kind, free, bounds, []

    def _frozen_kind(
        self, kind: str, state: ScheduleState, n: int
    ) -> tuple[list[int], dict[int, tuple[int, int]]]:
        if kind == "window":
            order = self._by_start(state)
        else:
            if kind == "centre":
                o = self.rng.choice(self.movable)
                ms = sorted({m for m, _, _ in self.c.ops[o].modes})
            else:
                n_m = len(self.c.machines)
                ms = self.rng.sample(range(n_m), max(1, min(n_m, self.rng.randint(2, 4))))
            order = list(heapq.merge(*(state.seq[m] for m in ms), key=lambda o: state.slots[o][1]))
            order = [o for o in order if o not in self.c.fixed]
        if not order:
            return [], {}
        i = self.rng.randrange(max(1, len(order) - n + 1))
        return order[i : i + n], {}

    def _retimed(
        self, kind: str, state: ScheduleState, n: int
    ) -> tuple[str, list[int], dict[int, tuple[int, int]], list[int]]:
        """`rolling`: a stretch of time on all machines, everything after it re-timed."""
        order = self._by_start(state)
        i = self.rng.randrange(max(1, len(order) - n + 1))
        return kind, order[i : i + n], {}, order[i + n :]

    def _by_start(self, state: ScheduleState) -> list[int]:
        """Movable operations by setup start (a k-way merge of the machine sequences)."""
        fixed = self.c.fixed
        merged = heapq.merge(*state.seq, key=lambda o: state.slots[o][1])
        return [o for o in merged if o not in fixed]

    def _order(self, state: ScheduleState, n: int) -> tuple[list[int], dict[int, tuple[int, int]]]:
        """A late order and, around each of its steps, the work on its eligible machines.

        Each step and the work around it form a cluster bounded by the cluster's own time
        span, so the sub-model does not include the frozen work between distant steps.
        """
        c = self.c
        late = [j for j, t in enumerate(state.tard) if t > 0]
        if not late:
            return [], {}
        weights = [state.tard[x] for x in late]
        slots = state.slots
        bounds: dict[int, tuple[int, int]] = {}
        tries = 0
        while len(bounds) < n and tries < 8:
            tries += 1
            j = self.rng.choices(late, weights=weights)[0]
            chain = [o for o in c.job_ops[j] if o not in c.fixed and o not in bounds]
            for o in chain:
                _, s, _, _ = slots[o]
                cluster = [o]
                for m, _, _ in c.ops[o].modes:
                    seq = state.seq[m]
                    i = bisect_left(seq, s, key=lambda x: slots[x][1])
                    # mostly the work queued before the step (what delays it), some after
                    lo_i = max(0, i - ORDER_QUEUE + 1)
                    cluster.extend(
                        x for x in seq[lo_i : lo_i + ORDER_QUEUE + 1] if x not in c.fixed
                    )
                lo = min(slots[x][1] for x in cluster)
                hi = max(slots[x][3] for x in cluster)
                for x in cluster:
                    old = bounds.get(x)
                    bounds[x] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
        return list(bounds), bounds

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
    obj = c.problem.objective
    stages: list[int | None] = [None] if obj.mode == "weighted" else list(range(len(obj.order)))
    hood = _Neighbourhoods(c, random.Random(seed))
    if not hood.movable or inc.slots is None:
        return
    search = _Search(c, inc, hood, workers=workers, seed=seed, stop=stop, trace=trace)
    for si, stage in enumerate(stages):
        stage_deadline = time.monotonic() + (deadline - time.monotonic()) / (len(stages) - si)
        search.run_stage(stage, stage_deadline)


class _Search:
    """The current schedule, its neighbourhoods and the sub-solves of one `improve()` call."""

    def __init__(
        self,
        c: Compiled,
        inc: Incumbent,
        hood: _Neighbourhoods,
        *,
        workers: int,
        seed: int,
        stop: Callable[[], bool],
        trace: Callable[[str], None] | None,
    ) -> None:
        assert inc.slots is not None
        self.c = c
        self.inc = inc
        self.hood = hood
        self.workers = workers
        self.seed = seed
        self.stop = stop
        self.trace = trace
        self.state = ScheduleState(c, inc.slots)
        self.compactor = Compactor(c)
        self.release = OvertimeRelease(c, self.compactor.decoder)
        self.cur_key: tuple[int, ...] = ()
        self.it = 0
        self.adopt_at = 0.0

    def run_stage(self, stage: int | None, deadline: float) -> None:
        from .incumbent import objective_key

        obj = self.c.problem.objective
        guide = obj.weighted_tardiness > 0 and (
            stage is None or obj.order[stage] == "weighted_tardiness"
        )
        caps = self.state.components()
        self.cur_key = objective_key(obj, caps)
        while not self.stop() and time.monotonic() < deadline - 0.05:
            if self._adopt():
                caps = self.state.components()
            if self.release.due():
                self._release(deadline)
            self.it += 1
            t_it = time.monotonic()
            kind, free, bounds, retimed = self.hood.pick(self.state)
            if not free:
                continue
            if kind in RETIMED_KINDS:
                status, gain, better = self._solve_retimed(stage, caps, free, retimed, deadline)
            else:
                status, gain, better = self._solve(stage, caps, guide, free, bounds, deadline)
            t_solved = time.monotonic()
            if gain > 0 and self.compactor.due():
                gain += self._compact()
            self.hood.adapt(kind, status == "optimal")
            self.hood.reward(kind, gain, time.monotonic() - t_it)
            if self.trace is not None:
                self.trace(
                    f"it={self.it} {kind} n={len(free)} {status} better={better} gain={gain} "
                    f"solve={t_solved - t_it:.2f}s total={time.monotonic() - t_it:.2f}s"
                )

    def _adopt(self) -> bool:
        """Take up a better schedule the walk beside us found (plantsearch.py), at most once
        a second (the state's indexes cost a pass over the plant)."""
        from .incumbent import objective_key

        if time.monotonic() < self.adopt_at:
            return False
        with self.inc.lock:
            if (
                self.inc.source != WALK_SOURCE
                or self.inc.key is None
                or self.inc.key >= self.cur_key
            ):
                return False
            slots = list(self.inc.slots or [])
        self.adopt_at = time.monotonic() + ADOPT_EVERY_S
        self.state = ScheduleState(self.c, slots)
        self.cur_key = objective_key(self.c.problem.objective, self.state.components())
        return True

    def _solve(
        self,
        stage: int | None,
        caps: dict[str, int],
        guide: bool,
        free: list[int],
        bounds: dict[int, tuple[int, int]],
        deadline: float,
    ) -> tuple[str, int, bool]:
        """One neighbourhood: build, solve, keep the result when no worse.

        Returns the sub-solve's status, the objective gained and whether it is a new best.
        """
        from .incumbent import objective_key

        c = self.c
        state = self.state
        slots = state.slots
        lo = min(slots[o][1] for o in free)
        hi = max(slots[o][3] for o in free)
        sub = stage_model(c, state, caps, stage, free, lo=lo, hi=hi, bounds=bounds)
        target = stage_objective(sub, stage)
        if guide:
            target = target + late_guide(c, sub, slots)
        res = run(
            sub,
            target,
            time_limit_s=min(SUB_LIMIT_S, deadline - time.monotonic()),
            workers=self.workers,
            seed=self.seed + self.it,
            should_stop=self.stop,
            complete_hint=COMPLETE_HINT,
            full_slots=False,
        )
        if not res.changes:
            return res.status, 0, False
        undo = state.update(res.changes)
        comps = state.components()
        key = objective_key(c.problem.objective, comps)
        if key > self.cur_key:
            state.update(undo)
            return res.status, 0, False
        gain = self.cur_key[0] - key[0]
        self.cur_key = key
        return res.status, gain, self.inc.offer(state.slots, "cpsat", comps)

    def _solve_retimed(
        self,
        stage: int | None,
        caps: dict[str, int],
        free: list[int],
        retimed: list[int],
        deadline: float,
    ) -> tuple[str, int, bool]:
        """A neighbourhood whose later work is left out of the model and re-timed by decoding.

        The sub-model sequences the free work as if nothing came after it (pressed to finish
        early by the weighted ends of free steps whose orders go on); the new sequences are
        then decoded over the whole plan, so the later work moves as far as it must, and the
        result is kept when the whole objective is no worse.
        """
        from .incumbent import objective_key

        c = self.c
        state = self.state
        slots = state.slots
        lo = min(slots[o][1] for o in free)
        hi = max(slots[o][3] for o in free)
        # room for the free work to move later than it is now
        hi = hi + max(hi - lo, RETIME_ROOM)
        sub = stage_model(c, state, caps, stage, free, lo=lo, hi=hi, retimed=retimed)
        target = stage_objective(sub, stage) + downstream_guide(c, sub, state)
        res = run(
            sub,
            target,
            time_limit_s=min(SUB_LIMIT_S, deadline - time.monotonic()),
            workers=self.workers,
            seed=self.seed + self.it,
            should_stop=self.stop,
            complete_hint=COMPLETE_HINT,
            full_slots=False,
        )
        if not res.changes:
            return res.status, 0, False
        spliced = list(slots)
        for o, slot in res.changes.items():
            spliced[o] = slot
        decoded = self.compactor.decoder.decode(
            c.sequences(spliced), [frozenset(u) for u in used_pieces(c, spliced)]
        )
        if decoded is None:
            return res.status, 0, False
        comps = c.components(decoded)
        key = objective_key(c.problem.objective, comps)
        if key > self.cur_key:
            return res.status, 0, False
        gain = self.cur_key[0] - key[0]
        self.state = ScheduleState(c, decoded)
        self.cur_key = key
        return res.status, gain, self.inc.offer(decoded, "cpsat", comps)

    def _release(self, deadline: float) -> None:
        """Give back overtime the current schedule does not need (see `release.py`)."""
        from .incumbent import objective_key

        # one pass takes at most a twentieth of what is left
        cap = time.monotonic() + max(0.2, (deadline - time.monotonic()) / 20)
        t0 = time.monotonic()
        released = self.release.run(self.state, min(deadline, cap))
        if self.trace is not None:
            self.trace(f"release {released is not None} in {time.monotonic() - t0:.2f}s")
        if released is None:
            return
        comps = released.components()
        key = objective_key(self.c.problem.objective, comps)
        if key >= self.cur_key:
            return
        if self.trace is not None:
            self.trace(f"release gain={self.cur_key[0] - key[0]}")
        self.state = released
        self.cur_key = key
        self.inc.offer(released.slots, "cpsat", comps)

    def _compact(self) -> int:
        """Decode the current sequences again; the objective gained (0 if not better)."""
        from .incumbent import objective_key

        compacted = self.compactor.run(self.state)
        if compacted is None:
            return 0
        comps = compacted.components()
        key = objective_key(self.c.problem.objective, comps)
        if key >= self.cur_key:
            return 0
        gain = self.cur_key[0] - key[0]
        self.state = compacted
        self.cur_key = key
        self.inc.offer(compacted.slots, "cpsat", comps)
        if self.trace is not None:
            self.trace(f"compaction gain={gain}")
        return gain


COMPLETE_HINT = True
SUB_LIMIT_S = 1.0
# how often LNS may take up the walk's better schedule (seconds)
ADOPT_EVERY_S = 1.0
# how much later than the stretch's end a re-timed neighbourhood's work may move (3 days)
RETIME_ROOM = 3 * 24 * 60
