"""A problem compiled to integer indexes, shared by the construction, the CP model and LNS."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .calendars import Calendar, merge, subtract
from .model import Assignment, Machine, Problem

# A placed operation: (machine index, setup_start, start, end).
Slot = tuple[int, int, int, int]


@dataclass(slots=True)
class OpInfo:
    idx: int
    id: str
    name: str
    job: int
    pos: int
    family: int
    can_pause: bool
    min_lag: int
    max_lag: int | None
    modes: list[tuple[int, int, int]]  # (machine, duration, routing setup)


@dataclass(slots=True)
class MachineInfo:
    idx: int
    id: str
    name: str
    regular: Calendar  # regular working time
    extended: Calendar  # regular plus overtime windows
    overtime: list[tuple[int, int, int]]  # (start, end, cost_per_hour), outside regular time
    overtime_group: list[int]  # the contract's window each piece comes from
    always: bool
    changeover: dict[tuple[int, int], int]

    def working(self, pieces: Iterable[int]) -> Calendar:
        """Regular time plus the overtime pieces `pieces`."""
        return Calendar(self.regular.segments + [self.overtime[k][:2] for k in pieces])

    def co(self, before: int | None, after: int) -> int:
        if before is None:
            return 0
        return self.changeover.get((before, after), 0)


class Compiled:
    """Index structures for one `Problem`."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.horizon = problem.horizon
        families: dict[str, int] = {}
        for job in problem.jobs:
            families.setdefault(job.family, len(families))
        for m in problem.machines:
            for a, b, _ in m.changeover:
                families.setdefault(a, len(families))
                families.setdefault(b, len(families))
        self.families = families
        self.machine_index = {m.id: i for i, m in enumerate(problem.machines)}
        self.machines: list[MachineInfo] = []
        for i, m in enumerate(problem.machines):
            self.machines.append(self._machine(i, m))
        self.ops: list[OpInfo] = []
        self.op_index: dict[str, int] = {}
        self.job_ops: list[list[int]] = []
        for j, job in enumerate(problem.jobs):
            chain: list[int] = []
            for p, op in enumerate(job.operations):
                modes = [
                    (self.machine_index[md.machine_id], md.duration, md.setup)
                    for md in op.modes
                    if md.machine_id in self.machine_index
                ]
                info = OpInfo(
                    idx=len(self.ops),
                    id=op.id,
                    name=op.name,
                    job=j,
                    pos=p,
                    family=families[job.family],
                    can_pause=op.can_pause,
                    min_lag=op.min_lag_next,
                    max_lag=op.max_lag_next,
                    modes=modes,
                )
                self.op_index[op.id] = info.idx
                self.ops.append(info)
                chain.append(info.idx)
            self.job_ops.append(chain)
        self.fixed: dict[int, Slot] = {}
        for f in problem.fixed:
            if f.operation_id in self.op_index and f.machine_id in self.machine_index:
                self.fixed[self.op_index[f.operation_id]] = (
                    self.machine_index[f.machine_id],
                    f.start,
                    f.start,
                    f.end,
                )
        self.previous: dict[int, tuple[int, int]] = {}
        for pv in problem.previous:
            if pv.operation_id in self.op_index and pv.machine_id in self.machine_index:
                self.previous[self.op_index[pv.operation_id]] = (
                    self.machine_index[pv.machine_id],
                    pv.start,
                )
        self.has_changeovers = any(m.changeover for m in self.machines)

    def _machine(self, i: int, m: Machine) -> MachineInfo:
        horizon = self.horizon
        if m.available is None:
            regular = [(0, horizon)]
        else:
            regular = merge((max(0, w.start), min(horizon, w.end)) for w in m.available)
        ot: list[tuple[int, int, int, int]] = []
        for g, w in enumerate(m.overtime):
            for a, b in subtract(merge([(w.start, min(w.end, horizon))]), regular):
                ot.append((a, b, w.cost_per_hour, g))
        ot.sort()
        co = {
            (self.families[a], self.families[b]): minutes
            for a, b, minutes in m.changeover
            if minutes > 0
        }
        return MachineInfo(
            idx=i,
            id=m.id,
            name=m.name,
            regular=Calendar(regular),
            extended=Calendar(regular + [(a, b) for a, b, _, _ in ot]),
            overtime=[(a, b, cph) for a, b, cph, _ in ot],
            overtime_group=[g for _, _, _, g in ot],
            always=m.available is None,
            changeover=co,
        )

    # ----------------------------------------------------------------- evaluation
    def components(self, slots: list[Slot]) -> dict[str, int]:
        """Objective components of a complete schedule."""
        problem = self.problem
        wt = 0
        makespan = 0
        for j, job in enumerate(problem.jobs):
            chain = self.job_ops[j]
            if not chain:
                continue
            end = max(slots[o][3] for o in chain)
            makespan = max(makespan, end)
            if job.due is not None and end > job.due:
                wt += job.weight * (end - job.due)
        setup_time = 0
        overtime_minutes: dict[tuple[int, int], int] = {}
        for m, seq in enumerate(self.sequences(slots)):
            mi = self.machines[m]
            prev: int | None = None
            for o in seq:
                fam = self.ops[o].family
                if o not in self.fixed:
                    setup_time += mi.co(prev, fam)
                prev = fam
                if mi.overtime and o not in self.fixed:
                    _, s, t, e = slots[o]
                    busy_end = t if self.ops[o].can_pause else e
                    for k, (a, b, _) in enumerate(mi.overtime):
                        inside = min(busy_end, b) - max(s, a)
                        if inside > 0:
                            overtime_minutes[(m, k)] = overtime_minutes.get((m, k), 0) + inside
        overtime = 0
        for (m, k), minutes in overtime_minutes.items():
            overtime += math.ceil(self.machines[m].overtime[k][2] * minutes / 60)
        deviation = 0
        penalty = problem.objective.machine_change_penalty
        for o, (pm, ps) in self.previous.items():
            deviation += abs(slots[o][2] - ps) + (penalty if slots[o][0] != pm else 0)
        return {
            "weighted_tardiness": wt,
            "makespan": makespan,
            "setup_time": setup_time,
            "overtime_cost": overtime,
            "deviation": deviation,
        }

    def scalar(self, comps: dict[str, int]) -> int:
        obj = self.problem.objective
        return sum(obj.weight(k) * v for k, v in comps.items())

    def sequences(self, slots: list[Slot]) -> list[list[int]]:
        seqs: list[list[int]] = [[] for _ in self.machines]
        for o, (m, _, _, _) in enumerate(slots):
            seqs[m].append(o)
        for seq in seqs:
            seq.sort(key=lambda o: (slots[o][1], slots[o][3]))
        return seqs

    def assignments(self, slots: list[Slot]) -> tuple[Assignment, ...]:
        jobs = self.problem.jobs
        return tuple(
            Assignment(
                operation_id=op.id,
                job_id=jobs[op.job].id,
                machine_id=self.machines[slots[op.idx][0]].id,
                start=slots[op.idx][2],
                end=slots[op.idx][3],
                setup_start=slots[op.idx][1],
                setup=slots[op.idx][2] - slots[op.idx][1],
            )
            for op in self.ops
        )
