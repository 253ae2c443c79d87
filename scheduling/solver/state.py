"""A complete schedule with the indexes LNS needs, updated incrementally.

Rebuilding machine sequences and objective components from scratch costs O(n log n) per
neighbourhood on 10,000 operations; a neighbourhood moves a hundred. `ScheduleState` keeps
per-machine sequences, changeovers and overtime minutes, per-job ends and tardiness, and
per-operation deviation, and refreshes only the machines and jobs a change touches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .compiled import Compiled, Slot


class ScheduleState:
    def __init__(self, c: Compiled, slots: list[Slot]) -> None:
        self.c = c
        self.slots = list(slots)
        n_m = len(c.machines)
        self.seq: list[list[int]] = c.sequences(self.slots)
        self.co = [0] * len(c.ops)
        self.machine_setup = [0] * n_m
        # overtime minutes per (machine, piece) and cost per machine (pieces priced alone,
        # as the CP model does) and per contract window (as the objective does)
        self.piece_minutes: list[dict[int, int]] = [{} for _ in range(n_m)]
        self.machine_ot = [0] * n_m
        for m in range(n_m):
            self._refresh_machine(m)
        self.job_end = [0] * len(c.job_ops)
        self.tard = [0] * len(c.job_ops)
        for j in range(len(c.job_ops)):
            self._refresh_job(j)
        self.dev: dict[int, int] = {}
        for o in c.previous:
            self._refresh_dev(o)

    # ---------------------------------------------------------------- refresh
    def _refresh_machine(self, m: int) -> None:
        c = self.c
        mi = c.machines[m]
        slots = self.slots
        prev: int | None = None
        setup = 0
        minutes: dict[int, int] = {}
        for o in self.seq[m]:
            fam = c.ops[o].family
            if o in c.fixed:
                self.co[o] = 0
            else:
                co = mi.co(prev, fam)
                self.co[o] = co
                setup += co
                if mi.overtime:
                    _, s, t, e = slots[o]
                    busy_end = t if c.ops[o].can_pause else e
                    for k, (a, b, _) in enumerate(mi.overtime):
                        inside = min(busy_end, b) - max(s, a)
                        if inside > 0:
                            minutes[k] = minutes.get(k, 0) + inside
            prev = fam
        self.machine_setup[m] = setup
        self.piece_minutes[m] = minutes
        groups: dict[int, int] = {}
        for k, mins in minutes.items():
            g = mi.overtime_group[k]
            groups[g] = groups.get(g, 0) + mins
        cost = 0
        for g, mins in groups.items():
            cost += math.ceil(c.problem.machines[m].overtime[g].cost_per_hour * mins / 60)
        self.machine_ot[m] = cost

    def _refresh_job(self, j: int) -> None:
        chain = self.c.job_ops[j]
        job = self.c.problem.jobs[j]
        end = max((self.slots[o][3] for o in chain), default=0)
        self.job_end[j] = end
        due = job.due
        self.tard[j] = job.weight * (end - due) if due is not None and end > due else 0

    def _refresh_dev(self, o: int) -> None:
        pm, ps = self.c.previous[o]
        m, _, t, _ = self.slots[o]
        penalty = self.c.problem.objective.machine_change_penalty
        self.dev[o] = abs(t - ps) + (penalty if m != pm else 0)

    # ----------------------------------------------------------------- public
    def piece_cost(self, m: int, k: int) -> int:
        """Overtime cost of one piece of a window, priced alone (the CP model's view)."""
        mins = self.piece_minutes[m].get(k, 0)
        return math.ceil(self.c.machines[m].overtime[k][2] * mins / 60) if mins else 0

    def components(self) -> dict[str, int]:
        return {
            "weighted_tardiness": sum(self.tard),
            "makespan": max(self.job_end, default=0),
            "setup_time": sum(self.machine_setup),
            "overtime_cost": sum(self.machine_ot),
            "deviation": sum(self.dev.values()),
        }

    def update(self, changes: Mapping[int, Slot]) -> dict[int, Slot]:
        """Apply new slots for some operations; returns the old slots (to undo)."""
        c = self.c
        old = {o: self.slots[o] for o in changes}
        machines: set[int] = set()
        jobs: set[int] = set()
        for o, slot in changes.items():
            machines.add(old[o][0])
            machines.add(slot[0])
            jobs.add(c.ops[o].job)
            self.slots[o] = slot
        moved = set(changes)
        for m in machines:
            kept = [o for o in self.seq[m] if o not in moved]
            kept.extend(o for o in changes if self.slots[o][0] == m)
            kept.sort(key=lambda o: (self.slots[o][1], self.slots[o][3]))
            self.seq[m] = kept
            self._refresh_machine(m)
        for j in jobs:
            self._refresh_job(j)
        for o in changes:
            if o in c.previous:
                self._refresh_dev(o)
        return old
