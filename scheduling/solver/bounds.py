"""Lower bounds on weighted tardiness and makespan, valid for every feasible schedule.

* **Orders alone.** Each order's earliest completion on an empty plant: its steps in routing
  order, each on its fastest eligible machine at the first time that machine's calendar (with
  overtime) allows, after the minimum lags. Nothing can finish earlier, so the tardiness of
  that completion is a floor for each order.
* **One machine.** The steps that can run on one machine only must share it. With each step's
  earliest start (head) and the least time its order still needs after it (tail), the
  preemptive shortest-remaining-time schedule on that machine's working time completes, at
  every moment, as many steps as any real schedule can (so its k-th completion is a lower
  bound on the k-th completion of any schedule). Pairing the sorted completions with the
  sorted step due dates (order due minus tail) gives the least total lateness any order of
  the steps can have (a convex cost of completion minus due is least when both are sorted
  alike); times the smallest weight, it is a floor on the weighted tardiness of those orders.

The bound is the larger of the two figures; they cannot be added (an order may be counted in
both).
"""

from __future__ import annotations

import heapq

from .compiled import Compiled, MachineInfo

NEVER = 1 << 60


def earliest_processing(c: Compiled) -> tuple[list[int], list[int]]:
    """Per operation: earliest processing start and earliest end on an empty plant."""
    starts = [0] * len(c.ops)
    ends = [0] * len(c.ops)
    for j, chain in enumerate(c.job_ops):
        ready = c.problem.jobs[j].release
        for o in chain:
            fixed = c.fixed.get(o)
            if fixed is not None:
                starts[o], ends[o] = fixed[2], fixed[3]
            else:
                options = [
                    _earliest(c.machines[m], c.ops[o].can_pause, d, su, ready)
                    for m, d, su in c.ops[o].modes
                ] or [(ready, c.horizon)]
                # each taken over all machines: the earliest start and the earliest end may
                # come from different machines (a slower one free sooner)
                starts[o] = min(s for s, _ in options)
                ends[o] = min(c.horizon, min(e for _, e in options))
            ready = ends[o] + c.ops[o].min_lag
    return starts, ends


def _earliest(
    mi: MachineInfo, pause: bool, duration: int, setup: int, ready: int
) -> tuple[int, int]:
    """(start, end) of the earliest processing of one step on an empty machine."""
    if mi.always:
        return ready, ready + duration
    if pause:
        t = mi.regular.next_working(ready)
        e = mi.regular.work_end(t, duration) if t is not None else None
        return (ready, NEVER) if t is None or e is None else (t, e)
    s = mi.extended.fit(max(0, ready - setup), setup + duration)
    return (ready, NEVER) if s is None else (s + setup, s + setup + duration)


def tardiness_bound(c: Compiled) -> int:
    """A lower bound on the weighted tardiness of every feasible schedule."""
    starts, ends = earliest_processing(c)
    jobs = c.problem.jobs
    by_orders = 0
    for j, chain in enumerate(c.job_ops):
        due = jobs[j].due
        if chain and due is not None:
            by_orders += jobs[j].weight * max(0, ends[chain[-1]] - due)
    tails = _tails(c)
    only_on: list[list[int]] = [[] for _ in c.machines]
    for o, op in enumerate(c.ops):
        if len(op.modes) == 1 and o not in c.fixed:
            only_on[op.modes[0][0]].append(o)
    by_machine = max(
        (_machine_bound(c, m, only_on[m], starts, tails) for m in range(len(c.machines))),
        default=0,
    )
    return max(by_orders, by_machine)


def _tails(c: Compiled) -> list[int]:
    """Per operation: the least calendar time its order needs after it ends."""
    tails = [0] * len(c.ops)
    for chain in c.job_ops:
        after = 0
        for prev, o in zip(reversed(chain[:-1]), reversed(chain), strict=False):
            after += min((d for _, d, _ in c.ops[o].modes), default=0) + c.ops[prev].min_lag
            tails[prev] = after
    return tails


def _machine_bound(
    c: Compiled, m: int, only_here: list[int], starts: list[int], tails: list[int]
) -> int:
    """Weighted-tardiness floor from the steps `only_here` that only machine `m` can run."""
    jobs = c.problem.jobs
    steps: dict[int, tuple[int, int, int]] = {}  # job -> (release, duration, step due)
    for o in only_here:
        op = c.ops[o]
        job = jobs[op.job]
        if job.due is None or job.weight <= 0:
            continue
        # one step per order (the last one), so no order is counted twice
        steps[op.job] = (starts[o], op.modes[0][1], job.due - tails[o])
    if not steps:
        return 0
    mi = c.machines[m]
    completions = _srpt_completions(mi, [(r, d) for r, d, _ in steps.values()])
    dues = sorted(due for _, _, due in steps.values())
    lateness = sum(max(0, e - due) for e, due in zip(completions, dues, strict=True))
    return min(jobs[j].weight for j in steps) * lateness


def _srpt_completions(mi: MachineInfo, work: list[tuple[int, int]]) -> list[int]:
    """Sorted completion times of preemptive shortest-remaining-time on `mi`'s working time.

    Run on the axis of working minutes (regular plus overtime), then mapped back to clock time.
    """
    cal = mi.extended
    horizon = cal.ends[-1] if cal.ends else 0

    def to_work(t: int) -> int:
        return t if mi.always else cal.working_minutes(0, t)

    def to_clock(w: int) -> int:
        if mi.always:
            return w
        end = cal.work_end(0, w)
        return end if end is not None else horizon  # no schedule fits: any bound holds

    arrivals = sorted((to_work(r), d) for r, d in work)
    done: list[int] = []
    heap: list[int] = []
    now = 0
    i = 0
    while i < len(arrivals) or heap:
        if not heap:
            now = max(now, arrivals[i][0])
        while i < len(arrivals) and arrivals[i][0] <= now:
            heapq.heappush(heap, arrivals[i][1])
            i += 1
        left = heapq.heappop(heap)
        nxt = arrivals[i][0] if i < len(arrivals) else None
        if nxt is not None and now + left > nxt:
            heapq.heappush(heap, left - (nxt - now))
            now = nxt
        else:
            now += left
            done.append(to_clock(now))
    return done


def makespan_bound(c: Compiled, starts: list[int] | None = None) -> int:
    """A makespan floor from each machine that never stops: the steps only it can run, each
    with its head (earliest start of its block) and tail (the least time its order still needs
    after it), scheduled preemptively by largest tail first (Jackson's preemptive schedule,
    which minimises the largest completion plus tail over all preemptive schedules, so over
    all real ones too). 0 where no machine qualifies. `starts`: `earliest_processing(c)`'s,
    when the caller has them."""
    if not any(mi.always for mi in c.machines):
        return 0  # plants with calendars: nothing to bound here (and 40 ms saved on plant-L)
    if starts is None:
        starts, _ = earliest_processing(c)
    tails = _tails(c)
    steps: list[list[tuple[int, int, int]]] = [[] for _ in c.machines]
    for o, op in enumerate(c.ops):
        if len(op.modes) == 1 and o not in c.fixed:
            m, duration, setup = op.modes[0]
            steps[m].append((max(0, starts[o] - setup), setup + duration, tails[o]))
    return max(
        (_jackson(work) for m, work in enumerate(steps) if c.machines[m].always and work),
        default=0,
    )


def _jackson(work: list[tuple[int, int, int]]) -> int:
    """max(completion + tail) of the preemptive largest-tail-first schedule of (head, length,
    tail) steps on one machine."""
    arrivals = sorted(work)
    heap: list[tuple[int, int]] = []  # (-tail, length left)
    now = value = i = 0
    while i < len(arrivals) or heap:
        if not heap:
            now = max(now, arrivals[i][0])
        while i < len(arrivals) and arrivals[i][0] <= now:
            heapq.heappush(heap, (-arrivals[i][2], arrivals[i][1]))
            i += 1
        neg_tail, left = heapq.heappop(heap)
        nxt = arrivals[i][0] if i < len(arrivals) else None
        if nxt is not None and now + left > nxt:
            heapq.heappush(heap, (neg_tail, left - (nxt - now)))
            now = nxt
        else:
            now += left
            value = max(value, now - neg_tail)
    return value
