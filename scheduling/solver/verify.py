"""An independent check of a solution against its problem, in plain Python.

Written from the contract alone, without the CP model or the compiled index, so that a
modelling mistake in the solver shows up here instead of being repeated.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from .model import Assignment, Fixed, Job, Machine, Operation, Problem, Solution, Violation


def _merge(windows: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(w for w in windows if w[1] > w[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class _Cal:
    def __init__(self, machine: Machine, horizon: int) -> None:
        if machine.available is None:
            self.regular = [(0, horizon)]
        else:
            self.regular = _merge([(w.start, w.end) for w in machine.available])
        self.any = _merge(self.regular + [(w.start, w.end) for w in machine.overtime])

    @staticmethod
    def inside(windows: list[tuple[int, int]], a: int, b: int) -> bool:
        if b <= a:
            return True
        return any(x <= a and b <= y for x, y in windows)

    def regular_minutes(self, a: int, b: int) -> int:
        return sum(max(0, min(b, y) - max(a, x)) for x, y in self.regular)


def _fail(out: list[Violation], code: str, message: str, op: str | None = None) -> None:
    out.append(Violation(code=code, message=message, operation_id=op))


def verify(problem: Problem, solution: Solution) -> list[Violation]:
    """Every way `solution` breaks `problem`'s rules, or its own reported figures."""
    out: list[Violation] = []
    machines = {m.id: m for m in problem.machines}
    cals = {m.id: _Cal(m, problem.horizon) for m in problem.machines}
    fixed = {f.operation_id: f for f in problem.fixed}
    ops: dict[str, tuple[Job, int, Operation]] = {}
    for job in problem.jobs:
        for i, op in enumerate(job.operations):
            ops[op.id] = (job, i, op)
    by_op: dict[str, Assignment] = {}
    for a in solution.assignments:
        if a.operation_id not in ops:
            _fail(
                out, "unknown_operation", f"{a.operation_id} is not in the problem", a.operation_id
            )
        elif a.operation_id in by_op:
            _fail(out, "assigned_twice", f"{a.operation_id} is assigned twice", a.operation_id)
        else:
            by_op[a.operation_id] = a
    for oid in ops:
        if oid not in by_op:
            _fail(out, "unassigned", f"{oid} has no assignment", oid)
    for oid, a in by_op.items():
        _check_operation(out, problem, machines, cals, fixed, ops[oid], a)
    _check_chains(out, problem, by_op)
    _check_machines(out, problem, machines, fixed, ops, by_op)
    if not out and solution.components:
        _check_components(out, problem, cals, fixed, ops, by_op, solution)
    return out


def _check_operation(
    out: list[Violation],
    problem: Problem,
    machines: dict[str, Machine],
    cals: dict[str, _Cal],
    fixed: dict[str, Fixed],
    entry: tuple[Job, int, Operation],
    a: Assignment,
) -> None:
    job, _, op = entry
    oid = op.id
    if a.job_id != job.id:
        _fail(out, "wrong_job", f"{oid} belongs to {job.id}, not {a.job_id}", oid)
    if not (a.setup_start <= a.start <= a.end):
        _fail(out, "bad_times", f"{oid}: setup_start <= start <= end does not hold", oid)
        return
    if a.setup != a.start - a.setup_start:
        _fail(out, "bad_setup_length", f"{oid}: setup {a.setup} != start - setup_start", oid)
    if a.setup_start < 0 or a.end > problem.horizon:
        _fail(out, "outside_horizon", f"{oid} runs outside [0, {problem.horizon})", oid)
    f = fixed.get(oid)
    if f is not None:
        if (a.machine_id, a.start, a.end) != (f.machine_id, f.start, f.end):
            _fail(out, "fixed_moved", f"{oid} is fixed at {f.machine_id} {f.start}-{f.end}", oid)
        return
    mode = next((md for md in op.modes if md.machine_id == a.machine_id), None)
    if mode is None or a.machine_id not in machines:
        _fail(out, "ineligible_machine", f"{oid} cannot run on {a.machine_id}", oid)
        return
    if a.setup < mode.setup:
        _fail(out, "setup_too_short", f"{oid}: setup {a.setup} < routing setup {mode.setup}", oid)
    cal = cals[a.machine_id]
    if not _Cal.inside(cal.any, a.setup_start, a.start):
        _fail(out, "setup_outside_calendar", f"{oid}: setup outside working time", oid)
    if op.can_pause:
        worked = cal.regular_minutes(a.start, a.end)
        if worked != mode.duration:
            _fail(
                out,
                "wrong_duration",
                f"{oid}: {worked} working minutes in [{a.start}, {a.end}), needs {mode.duration}",
                oid,
            )
    else:
        if a.end - a.start != mode.duration:
            _fail(
                out, "wrong_duration", f"{oid}: runs {a.end - a.start}, needs {mode.duration}", oid
            )
        if not _Cal.inside(cal.any, a.setup_start, a.end):
            _fail(out, "outside_calendar", f"{oid}: not inside one working window", oid)
    if a.start < job.release:
        _fail(out, "before_release", f"{oid} starts before its order's release", oid)


def _check_chains(out: list[Violation], problem: Problem, by_op: dict[str, Assignment]) -> None:
    for job in problem.jobs:
        for prev, nxt in zip(job.operations, job.operations[1:], strict=False):
            a, b = by_op.get(prev.id), by_op.get(nxt.id)
            if a is None or b is None:
                continue
            gap = b.start - a.end
            if gap < prev.min_lag_next:
                _fail(out, "precedence", f"{nxt.id} starts {gap} after {prev.id} ends", nxt.id)
            if prev.max_lag_next is not None and gap > prev.max_lag_next:
                _fail(out, "max_lag", f"{nxt.id} starts {gap} after {prev.id} ends", nxt.id)


def _changeover(machine: Machine, before: str, after: str) -> int:
    for a, b, minutes in machine.changeover:
        if a == before and b == after:
            return minutes
    return 0


def _sequence(by_op: dict[str, Assignment], machine_id: str) -> list[Assignment]:
    return sorted(
        (a for a in by_op.values() if a.machine_id == machine_id),
        key=lambda a: (a.setup_start, a.end),
    )


def _check_machines(
    out: list[Violation],
    problem: Problem,
    machines: dict[str, Machine],
    fixed: dict[str, Fixed],
    ops: dict[str, tuple[Job, int, Operation]],
    by_op: dict[str, Assignment],
) -> None:
    for mid, machine in machines.items():
        seq = _sequence(by_op, mid)
        for prev, cur in itertools.pairwise(seq):
            if cur.setup_start < prev.end:
                _fail(
                    out,
                    "overlap",
                    f"{cur.operation_id} overlaps {prev.operation_id}",
                    cur.operation_id,
                )
            if cur.operation_id in fixed:
                continue
            job_prev = ops[prev.operation_id][0]
            job_cur, _, op = ops[cur.operation_id]
            mode = next((md for md in op.modes if md.machine_id == mid), None)
            if mode is None:
                continue  # reported as an ineligible machine
            need = mode.setup + _changeover(machine, job_prev.family, job_cur.family)
            if cur.setup < need:
                _fail(
                    out,
                    "changeover_too_short",
                    f"{cur.operation_id}: setup {cur.setup} < {need} after {prev.operation_id}",
                    cur.operation_id,
                )


def _check_components(
    out: list[Violation],
    problem: Problem,
    cals: dict[str, _Cal],
    fixed: dict[str, Fixed],
    ops: dict[str, tuple[Job, int, Operation]],
    by_op: dict[str, Assignment],
    solution: Solution,
) -> None:
    actual: dict[str, int] = {}
    wt = 0
    makespan = 0
    for job in problem.jobs:
        if not job.operations:
            continue
        end = max(by_op[op.id].end for op in job.operations)
        makespan = max(makespan, end)
        if job.due is not None:
            wt += job.weight * max(0, end - job.due)
    actual["weighted_tardiness"] = wt
    actual["makespan"] = makespan
    setup = 0
    overtime = 0
    for machine in problem.machines:
        seq = _sequence(by_op, machine.id)
        for prev, cur in itertools.pairwise(seq):
            if cur.operation_id not in fixed:
                fam_prev = ops[prev.operation_id][0].family
                setup += _changeover(machine, fam_prev, ops[cur.operation_id][0].family)
        for w in machine.overtime:
            minutes = 0
            for a in seq:
                if a.operation_id in fixed:
                    continue
                busy_end = a.start if ops[a.operation_id][2].can_pause else a.end
                for x, y in _free_parts(w.start, w.end, cals[machine.id].regular):
                    minutes += max(0, min(busy_end, y) - max(a.setup_start, x))
            overtime += math.ceil(w.cost_per_hour * minutes / 60)
    actual["setup_time"] = setup
    actual["overtime_cost"] = overtime
    deviation = 0
    for p in problem.previous:
        placed = by_op.get(p.operation_id)
        if placed is not None:
            deviation += abs(placed.start - p.start)
            if placed.machine_id != p.machine_id:
                deviation += problem.objective.machine_change_penalty
    actual["deviation"] = deviation
    for name, value in actual.items():
        reported = solution.components.get(name)
        if reported is not None and reported != value:
            _fail(out, "wrong_component", f"{name}: reported {reported}, recomputed {value}")


def _free_parts(a: int, b: int, regular: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The part of an overtime window outside regular time."""
    parts = [(a, b)]
    for x, y in regular:
        nxt: list[tuple[int, int]] = []
        for p, q in parts:
            if y <= p or x >= q:
                nxt.append((p, q))
                continue
            if x > p:
                nxt.append((p, x))
            if y < q:
                nxt.append((y, q))
        parts = nxt
    return parts
