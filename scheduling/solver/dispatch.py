"""Dispatching-rule construction: a schedule within moments, calendar- and changeover-aware.

An active-schedule generator in the Giffler-Thompson manner: the next operation of every job
is a candidate; the candidate that can complete first fixes a machine and a time `C`; among the
candidates that could start on that machine before `C` (and find it their best machine) a
priority rule picks one. Operations are appended to machine timelines (no gap filling), so the
changeover into each operation is known when it is placed.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

from .calendars import Calendar
from .compiled import Compiled, MachineInfo, OpInfo, Slot

RULES: tuple[str, ...] = ("atcs", "atcs3", "edd", "slack", "fifo", "ect", "mwkr", "spt")
MAKESPAN_RULES: tuple[str, ...] = ("mwkr", "ect", "spt", "fifo", "slack", "edd")
# a rule name with this suffix also places work in overtime windows
OVERTIME = "+ot"
# more (k1, k2) look-ahead parameters of ATCS, tried while the construction budget lasts:
# which one suits a plant varies from plant to plant and cannot be told in advance
ATCS_GRID: tuple[tuple[float, float], ...] = (
    (2.0, 0.5),
    (3.0, 0.25),
    (1.0, 0.5),
    (2.0, 0.25),
    (3.0, 0.5),
    (1.0, 1.0),
    (4.0, 1.0),
    (3.0, 0.1),
)

INF = 1 << 60


def place(
    mi: MachineInfo,
    op: OpInfo,
    duration: int,
    routing_setup: int,
    ready: int,
    free: int,
    family_before: int | None,
    overtime: bool = False,
    working: Calendar | None = None,
) -> tuple[int, int, int] | None:
    """Earliest (setup_start, start, end) of `op` on `mi` after `free`, processing >= `ready`.

    With `overtime`, non-pausable operations (setup and work) may also use overtime windows;
    pausable ones keep to regular time (their work pauses through overtime anyway). `working`,
    when given, is the calendar non-pausable work may use instead (regular time and some of
    the overtime windows).
    """
    setup = routing_setup + mi.co(family_before, op.family)
    lo = max(free, ready - setup)
    cal = mi.regular
    if not op.can_pause or mi.always:
        if working is None:
            working = mi.extended if overtime else cal
        s = working.fit(lo, setup + duration)
        if s is None:
            return None
        return s, s + setup, s + setup + duration
    if setup > 0:
        s2 = cal.fit(lo, setup)
        if s2 is None:
            return None
        s, t = s2, s2 + setup
    else:
        t2 = cal.next_working(max(free, ready))
        if t2 is None:
            return None
        s = t = t2
    e = cal.work_end(t, duration)
    if e is None:
        return None
    return s, t, e


def variants(c: Compiled, makespan_only: bool) -> list[str]:
    """The rules to try, the most promising first.

    Where machines offer overtime, each rule also runs in a variant that uses it
    (`atcs+ot`): on loaded plants overtime is the cheapest way to cut tardiness, and a
    construction that ignores it leaves the search far from the good schedules. ATCS also
    runs with other look-ahead parameters (`atcs(k1,k2)`).
    """
    rules = list(MAKESPAN_RULES if makespan_only else RULES)
    grid = [] if makespan_only else [f"atcs({k1},{k2})" for k1, k2 in ATCS_GRID]
    if not any(mi.overtime for mi in c.machines):
        return rules + grid
    with_ot = [r + OVERTIME for r in rules]
    grid_ot = [r + OVERTIME for r in grid]
    return with_ot[:4] + grid_ot[:4] + rules[:4] + grid_ot[4:] + with_ot[4:] + rules[4:] + grid


def rule_parts(rule: str) -> tuple[str, float, float, bool]:
    """A rule's name as (rule, ATCS k1, ATCS k2, with overtime): "atcs(3.0,0.1)+ot" is
    ("atcs", 3.0, 0.1, True), "atcs3" ("atcs", 3.0, 1.0, False), "edd" ("edd", 0, 0, False)."""
    overtime = rule.endswith(OVERTIME)
    rule = rule.removesuffix(OVERTIME)
    if rule in ("atcs", "atcs3"):
        return "atcs", 2.0 if rule == "atcs" else 3.0, 1.0, overtime
    if rule.startswith("atcs("):
        k1, k2 = (float(x) for x in rule[5:-1].split(","))
        return "atcs", k1, k2, overtime
    return rule, 0.0, 0.0, overtime


def atcs_scales(c: Compiled) -> tuple[float, float]:
    """ATCS's scales: the mean processing time and the mean changeover (at least 1)."""
    durations = [d for op in c.ops for _, d, _ in op.modes]
    p_bar = max(1.0, sum(durations) / max(1, len(durations)))
    cos = [v for mi in c.machines for v in mi.changeover.values()]
    s_bar = max(1.0, sum(cos) / len(cos)) if cos else 1.0
    return p_bar, s_bar


def machines_after_fixed(c: Compiled) -> tuple[list[int], list[int | None]]:
    """Each machine's end of fixed work and the family of its last fixed operation."""
    free = [0] * len(c.machines)
    fam: list[int | None] = [None] * len(c.machines)
    for o, (m, _, _, e) in c.fixed.items():
        if e >= free[m]:
            free[m] = e
            fam[m] = c.ops[o].family
    return free, fam


def dispatch(c: Compiled, rule: str, overtime: bool = False) -> list[Slot] | None:
    """Build a schedule with one priority rule; None when it runs past the horizon.

    With `overtime`, operations are placed at their earliest, overtime windows included.
    """
    if rule.endswith(OVERTIME):
        rule, overtime = rule.removesuffix(OVERTIME), True
    return _Dispatcher(c, rule, overtime).run()


class _Dispatcher:
    def __init__(self, c: Compiled, rule: str, overtime: bool = False) -> None:
        self.c = c
        self.rule = rule
        self.overtime = overtime
        n_m = len(c.machines)
        self.m_free, self.m_fam = machines_after_fixed(c)
        self.slots: list[Slot | None] = [None] * len(c.ops)
        jobs = c.problem.jobs
        self.pos = [0] * len(jobs)
        self.ready = [job.release for job in jobs]
        self.rem = [sum(min(d for _, d, _ in c.ops[o].modes) for o in chain) for chain in c.job_ops]
        self.version = [0] * len(jobs)
        self.best_e = [0] * len(jobs)
        self.cand_on: list[set[int]] = [set() for _ in range(n_m)]
        self.heap: list[tuple[int, int, int]] = []
        self.key = self._rule_key(rule)

    def _rule_key(self, rule: str) -> Callable[[int, int, int, int], tuple[float, ...]]:
        jobs = self.c.problem.jobs
        rule, k1, k2, _ = rule_parts(rule)

        def due(j: int) -> float:
            d = jobs[j].due
            return math.inf if d is None else float(d)

        if rule == "edd":
            return lambda j, s, e, d: (due(j), -jobs[j].priority, e)
        if rule == "slack":
            # weighted slack: the least slack per unit weight goes first
            def slack(j: int, s: int, e: int, d: int) -> tuple[float, ...]:
                left = due(j) - e - (self.rem[j] - d)
                return (left / max(1, jobs[j].weight), -jobs[j].priority, e)

            return slack
        if rule == "atcs":
            return self._atcs(k1, k2)
        if rule == "mwkr":
            return lambda j, s, e, d: (-self.rem[j], -jobs[j].priority, e)
        if rule == "fifo":
            return lambda j, s, e, d: (self.ready[j], -jobs[j].priority, e)
        if rule == "spt":
            return lambda j, s, e, d: (d, -jobs[j].priority, e)
        return lambda j, s, e, d: (e, -jobs[j].priority, d)

    def _atcs(self, k1: float, k2: float) -> Callable[[int, int, int, int], tuple[float, ...]]:
        """Apparent tardiness cost with setups (Lee, Bhaskaran and Pinedo), as a log-index.

        `s` and `e` are the candidate's setup start and end on the contested machine; the
        setup it needs there is `e - s - d`.
        """
        jobs = self.c.problem.jobs
        p_bar, s_bar = atcs_scales(self.c)
        k1_p, k2_s = k1 * p_bar, k2 * s_bar

        def key(j: int, s: int, e: int, d: int) -> tuple[float, ...]:
            due = jobs[j].due
            setup = max(0, e - s - d)
            start = e - d
            slack = 0.0 if due is None else max(0.0, due - e - (self.rem[j] - d))
            if due is None:
                slack = 1e9
            log_index = math.log(max(1, jobs[j].weight) / max(1, d)) - slack / k1_p - setup / k2_s
            return (-log_index, -jobs[j].priority, start)

        return key

    def _advance(self, j: int) -> bool:
        """Place fixed operations at the head of job j; register its next candidate."""
        c = self.c
        chain = c.job_ops[j]
        while self.pos[j] < len(chain) and chain[self.pos[j]] in c.fixed:
            o = chain[self.pos[j]]
            slot = c.fixed[o]
            self.slots[o] = slot
            self.ready[j] = max(self.ready[j], slot[3] + c.ops[o].min_lag)
            self.rem[j] -= min(d for _, d, _ in c.ops[o].modes)
            self.pos[j] += 1
        self.version[j] += 1
        if self.pos[j] >= len(chain):
            return True
        op = c.ops[chain[self.pos[j]]]
        for m, _, _ in op.modes:
            self.cand_on[m].add(j)
        best = self._best(j)
        if best is None:
            return False
        self.best_e[j] = best[2]
        heapq.heappush(self.heap, (best[2], j, self.version[j]))
        return True

    def _best(self, j: int) -> tuple[int, int, int, int, int] | None:
        """(setup_start, start, end, machine, duration) of j's next operation, earliest end."""
        c = self.c
        op = c.ops[c.job_ops[j][self.pos[j]]]
        best: tuple[int, int, int, int, int] | None = None
        for m, d, su in op.modes:
            p = self._place(m, op, d, su, j)
            if p is not None and (best is None or (p[2], d) < (best[2], best[4])):
                best = (p[0], p[1], p[2], m, d)
        return best

    def _place(self, m: int, op: OpInfo, d: int, su: int, j: int) -> tuple[int, int, int] | None:
        mi = self.c.machines[m]
        return place(mi, op, d, su, self.ready[j], self.m_free[m], self.m_fam[m], self.overtime)

    def run(self) -> list[Slot] | None:
        c = self.c
        for j in range(len(c.job_ops)):
            if not self._advance(j):
                return None
        while self.heap:
            key, j, ver = heapq.heappop(self.heap)
            if ver != self.version[j]:
                continue
            best = self._best(j)
            if best is None:
                return None
            if best[2] > key:
                self.best_e[j] = best[2]
                heapq.heappush(self.heap, (best[2], j, ver))
                continue
            s, t, e, m, d = best
            chosen = (j, s, t, e, d)
            # ties: the job that ends first, else the least index (as plantkernel/rules.py does)
            chosen_key, rank = self.key(j, s, e, d), -1
            for j2 in self.cand_on[m]:
                if j2 == j:
                    continue
                if self.ready[j2] >= e:
                    continue  # cannot start before the contested completion time
                op2 = c.ops[c.job_ops[j2][self.pos[j2]]]
                for m2, d2, su2 in op2.modes:
                    if m2 != m:
                        continue
                    p = self._place(m, op2, d2, su2, j2)
                    if p is None or p[0] >= e or p[2] > max(self.best_e[j2], e):
                        continue
                    k2 = self.key(j2, p[0], p[2], d2)
                    if (k2, j2) < (chosen_key, rank):
                        chosen_key, rank = k2, j2
                        chosen = (j2, p[0], p[1], p[2], d2)
            if chosen[0] != j:
                heapq.heappush(self.heap, (e, j, ver))
            self._commit(chosen, m)
        if any(s is None for s in self.slots):
            return None
        return [s for s in self.slots if s is not None]

    def _commit(self, chosen: tuple[int, int, int, int, int], m: int) -> None:
        j, s, t, e, _d = chosen
        c = self.c
        o = c.job_ops[j][self.pos[j]]
        op = c.ops[o]
        self.slots[o] = (m, s, t, e)
        self.m_free[m] = e
        self.m_fam[m] = op.family
        for m2, _, _ in op.modes:
            self.cand_on[m2].discard(j)
        self.ready[j] = max(self.ready[j], e + op.min_lag)
        self.rem[j] -= min(dd for _, dd, _ in op.modes)
        self.pos[j] += 1
        if not self._advance(j):
            # nothing fits before the horizon: leave the rest unplaced
            self.heap.clear()
