"""Contradictions found before solving, in words a planner can act on."""

from __future__ import annotations

import itertools

from .calendars import Calendar, merge
from .model import Conflict, Fixed, Job, Machine, Mode, Operation, Problem


def _calendars(m: Machine, horizon: int) -> tuple[Calendar, Calendar]:
    if m.available is None:
        regular = [(0, horizon)]
    else:
        regular = merge((max(0, w.start), min(horizon, w.end)) for w in m.available)
    extended = merge(regular + [(w.start, min(horizon, w.end)) for w in m.overtime])
    return Calendar(regular), Calendar(extended)


def _where(job: Job, op: Operation) -> str:
    return f"Order {job.name}, operation '{op.name}'"


def diagnose(problem: Problem) -> list[Conflict]:
    """Every contradiction that makes `problem` infeasible whatever the schedule."""
    out: list[Conflict] = []
    machines = {m.id: m for m in problem.machines}
    cals = {m.id: _calendars(m, problem.horizon) for m in problem.machines}
    seen: set[str] = set()
    where: dict[str, tuple[Job, Operation]] = {}
    for job in problem.jobs:
        work = 0
        for op in job.operations:
            if op.id in seen:
                out.append(Conflict("duplicate_operation", f"Operation id {op.id} is used twice"))
            seen.add(op.id)
            where[op.id] = (job, op)
            modes = [md for md in op.modes if md.machine_id in machines]
            if not modes:
                out.append(
                    Conflict(
                        "no_eligible_machine",
                        f"{_where(job, op)}: no machine in the plan can run it",
                        job.id,
                        op.id,
                    )
                )
                continue
            work += min(md.duration for md in modes)
            if op.max_lag_next is not None and op.max_lag_next < op.min_lag_next:
                out.append(
                    Conflict(
                        "lag_contradiction",
                        f"{_where(job, op)}: maximum lag cannot be met: it is "
                        f"{op.max_lag_next} min, below the minimum lag of {op.min_lag_next} min",
                        job.id,
                        op.id,
                    )
                )
            out.extend(_window_conflicts(job, op, modes, machines, cals, problem.horizon))
        if job.release + work > problem.horizon:
            out.append(
                Conflict(
                    "horizon_too_short",
                    f"Order {job.name}: needs at least {work} min of processing after its "
                    f"release at {job.release}, past the horizon end at {problem.horizon}",
                    job.id,
                )
            )
    out.extend(_fixed_conflicts(problem, machines, cals, where))
    return out


def _window_conflicts(
    job: Job,
    op: Operation,
    modes: list[Mode],
    machines: dict[str, Machine],
    cals: dict[str, tuple[Calendar, Calendar]],
    horizon: int,
) -> list[Conflict]:
    longest = -1
    longest_on = ""
    need_min = None
    for md in modes:
        regular, extended = cals[md.machine_id]
        if op.can_pause and machines[md.machine_id].available is not None:
            setup_ok = extended.fit(0, md.setup) is not None
            if setup_ok and regular.cum[-1] >= md.duration:
                return []
            have = regular.cum[-1]
            need = md.duration
        else:
            need = md.setup + md.duration
            have = max((b - a for a, b in extended.segments), default=0)
            if have >= need:
                return []
        if have > longest:
            longest, longest_on = have, machines[md.machine_id].name
            need_min = need
        need_min = min(need_min or need, need)
    if op.can_pause:
        msg = (
            f"{_where(job, op)}: no eligible machine has enough working time in the horizon "
            f"(needs {need_min} min, most is {longest} on {longest_on})"
        )
        code = "not_enough_working_time"
    else:
        msg = (
            f"{_where(job, op)}: no eligible machine has a working window long enough "
            f"(needs {need_min} min, longest is {longest} on {longest_on})"
        )
        code = "no_window_long_enough"
    return [Conflict(code, msg, job.id, op.id, None)]


def _fixed_conflicts(
    problem: Problem,
    machines: dict[str, Machine],
    cals: dict[str, tuple[Calendar, Calendar]],
    where: dict[str, tuple[Job, Operation]],
) -> list[Conflict]:
    out: list[Conflict] = []
    fixed_by_op = {}
    for f in problem.fixed:
        if f.operation_id not in where:
            out.append(
                Conflict("unknown_operation", f"Fixed operation {f.operation_id} is not planned")
            )
            continue
        job, op = where[f.operation_id]
        fixed_by_op[f.operation_id] = f
        if f.machine_id not in machines:
            out.append(
                Conflict(
                    "fixed_unknown_machine",
                    f"{_where(job, op)}: fixed on machine {f.machine_id}, which is not in the plan",
                    job.id,
                    op.id,
                    f.machine_id,
                )
            )
            continue
        m = machines[f.machine_id]
        _regular, extended = cals[m.id]
        if f.end < f.start or f.start < 0 or f.end > problem.horizon:
            out.append(
                Conflict(
                    "fixed_outside_horizon",
                    f"{_where(job, op)}: fixed times {f.start}-{f.end} are outside the horizon",
                    job.id,
                    op.id,
                    m.id,
                )
            )
        elif not op.can_pause and not extended.contains(f.start, f.end):
            out.append(
                Conflict(
                    "fixed_outside_calendar",
                    f"{_where(job, op)}: fixed operation overlaps maintenance or non-working "
                    f"time on {m.name} ({f.start}-{f.end})",
                    job.id,
                    op.id,
                    m.id,
                )
            )
    by_machine: dict[str, list[Fixed]] = {}
    for f in fixed_by_op.values():
        by_machine.setdefault(f.machine_id, []).append(f)
    for mid, fs in by_machine.items():
        fs.sort(key=lambda f: f.start)
        for a, b in itertools.pairwise(fs):
            if b.start < a.end:
                job, op = where[b.operation_id]
                out.append(
                    Conflict(
                        "fixed_overlap",
                        f"{_where(job, op)}: fixed operation overlaps the fixed operation "
                        f"'{where[a.operation_id][1].name}' on {machines[mid].name}"
                        if mid in machines
                        else f"{_where(job, op)}: fixed operations overlap",
                        job.id,
                        op.id,
                        mid,
                    )
                )
    out.extend(_lag_conflicts(problem, machines, cals, fixed_by_op, where))
    return out


def _lag_conflicts(
    problem: Problem,
    machines: dict[str, Machine],
    cals: dict[str, tuple[Calendar, Calendar]],
    fixed: dict[str, Fixed],
    where: dict[str, tuple[Job, Operation]],
) -> list[Conflict]:
    """Lags around fixed operations that no placement of the next operation can meet."""
    out: list[Conflict] = []
    for job in problem.jobs:
        for prev, nxt in zip(job.operations, job.operations[1:], strict=False):
            fp = fixed.get(prev.id)
            if fp is None:
                continue
            lo = fp.end + prev.min_lag_next
            hi = None if prev.max_lag_next is None else fp.end + prev.max_lag_next
            fn = fixed.get(nxt.id)
            if fn is not None:
                if fn.start < lo or (hi is not None and fn.start > hi):
                    code = "maximum lag" if hi is not None and fn.start > hi else "precedence"
                    out.append(
                        Conflict(
                            "fixed_lag",
                            f"{_where(job, nxt)}: fixed start breaks the {code} after "
                            f"'{prev.name}'",
                            job.id,
                            nxt.id,
                        )
                    )
                continue
            if hi is None:
                continue
            if not any(
                _can_start_between(nxt, md.machine_id, md.setup, md.duration, lo, hi, cals)
                for md in nxt.modes
                if md.machine_id in machines
            ):
                out.append(
                    Conflict(
                        "max_lag_unreachable",
                        f"{_where(job, nxt)}: maximum lag cannot be met: it must start between "
                        f"{lo} and {hi}, and no eligible machine is working then",
                        job.id,
                        nxt.id,
                    )
                )
    return out


def _can_start_between(
    op: Operation,
    machine_id: str,
    setup: int,
    duration: int,
    lo: int,
    hi: int,
    cals: dict[str, tuple[Calendar, Calendar]],
) -> bool:
    _, extended = cals[machine_id]
    if op.can_pause:
        s = extended.fit(max(0, lo - setup), setup)
        return s is not None and s + setup <= hi
    s = extended.fit(max(0, lo - setup), setup + duration)
    return s is not None and s + setup <= hi
