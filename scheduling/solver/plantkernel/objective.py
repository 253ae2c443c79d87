"""The objective of decoded times: its components whole (`components`, `objective`), and
kept up after a decode again from what it re-timed (`objective_after`)."""

from __future__ import annotations

import numpy as np

from ..kernelcache import inline, jit
from .arrays import (
    CO,
    FIXED,
    LIST,
    MACH,
    OCO,
    OE,
    OM,
    OS,
    OT,
    PAUSE,
    PM,
    PS,
    W_DEVIATION,
    W_MAKESPAN,
    W_OVERTIME,
    W_SETUP,
    W_TARD,
    E,
    Plant,
    S,
    Sched,
    T,
)
from .calendars import first_after


@jit
def objective(pl: Plant, sc: Sched) -> int:
    """The weighted objective of decoded times (as `Compiled.components`)."""
    parts = sc.parts
    _components(pl, sc, parts, False)
    total = 0
    for k in range(5):
        total += pl.w[k] * parts[k]
    return total


@inline
def _tardiness_makespan(pl: Plant, op: np.ndarray) -> tuple[int, int]:
    """Weighted tardiness and makespan from the orders' last operations."""
    tard, makespan = 0, 0
    for j in range(pl.job.shape[1]):
        last = pl.job[2, j]
        if last < 0:
            continue
        end = op[E, last]
        if end > makespan:
            makespan = end
        if pl.job[0, j] >= 0 and end > pl.job[0, j]:
            tard += pl.job[1, j] * (end - pl.job[0, j])
    return tard, makespan


@jit
def _overtime_delta(
    pl: Plant, sc: Sched, o: int, m: int, s: int, t: int, e: int, sign: int
) -> None:
    """Add (sign 1) or take away (-1) the overtime minutes of o's setup and non-pausable work
    on machine m at (s, t, e) to `sc.dmin`."""
    lo, hi = pl.machine[1, m], pl.machine[1, m + 1]
    if lo == hi or pl.op[FIXED, o]:
        return
    busy = t if pl.op[PAUSE, o] else e
    k = first_after(pl.ot[1], lo, hi, s, True)
    while k < hi and pl.ot[0, k] < busy:
        inside = min(busy, pl.ot[1, k]) - max(s, pl.ot[0, k])
        if inside > 0:
            if not sc.listed[k]:
                sc.listed[k] = 1
                sc.touched[sc.meta[1]] = k
                sc.meta[1] += 1
            sc.dmin[k] += sign * inside
        k += 1


@jit
def objective_after(pl: Plant, sc: Sched, changed: int) -> int:
    """The weighted objective after `redecode` re-timed `changed` ops (listed with their times
    before): tardiness and makespan from the orders' ends, the rest from the decoded times'
    components and what the re-timed ops changed (`sc.parts` holds the new components)."""
    p, op, w, out = pl.op, sc.op, pl.w, sc.parts
    out[:] = sc.base
    if w[W_TARD] or w[W_MAKESPAN]:
        out[W_TARD], out[W_MAKESPAN] = _tardiness_makespan(pl, op)
    overtime = w[W_OVERTIME] and pl.ot.shape[1] > 0
    for x in range(changed):
        o = op[LIST, x]
        if p[FIXED, o]:
            continue
        out[W_SETUP] += op[CO, o] - op[OCO, x]
        if p[PM, o] >= 0:
            out[W_DEVIATION] += abs(op[T, o] - p[PS, o]) - abs(op[OT, x] - p[PS, o])
            out[W_DEVIATION] += w[5] * (int(op[MACH, o] != p[PM, o]) - int(op[OM, x] != p[PM, o]))
        if overtime:
            _overtime_delta(pl, sc, o, op[OM, x], op[OS, x], op[OT, x], op[OE, x], -1)
            _overtime_delta(pl, sc, o, op[MACH, o], op[S, o], op[T, o], op[E, o], 1)
    if overtime:
        for x in range(sc.meta[1]):
            k = sc.touched[x]
            if sc.dmin[k]:
                cost = pl.ot[2, k]
                after = (cost * (sc.minutes[k] + sc.dmin[k]) + 59) // 60
                out[W_OVERTIME] += after - (cost * sc.minutes[k] + 59) // 60
    total = 0
    for k in range(5):
        total += w[k] * out[k]
    return total


@jit
def components(pl: Plant, sc: Sched) -> np.ndarray:
    """Every component of the objective (in `model.COMPONENTS` order), weighted or not."""
    _components(pl, sc, sc.parts, True)
    return sc.parts.copy()


@jit
def _components(pl: Plant, sc: Sched, out: np.ndarray, every: bool) -> None:
    """The components into `out`; unless `every`, only those the objective weighs."""
    p, op, w = pl.op, sc.op, pl.w
    out[:] = 0
    if every or w[W_TARD] or w[W_MAKESPAN]:
        out[W_TARD], out[W_MAKESPAN] = _tardiness_makespan(pl, op)
    if every or w[W_SETUP]:
        for o in range(op.shape[1]):
            if not p[FIXED, o]:
                out[W_SETUP] += op[CO, o]
    if (every or w[W_OVERTIME]) and pl.ot.shape[1] > 0:
        sc.minutes[:] = 0
        for o in range(op.shape[1]):
            m = op[MACH, o]
            lo, hi = pl.machine[1, m], pl.machine[1, m + 1]
            if lo == hi or p[FIXED, o]:
                continue
            busy = op[T, o] if p[PAUSE, o] else op[E, o]
            # the first piece ending after the work starts, then while pieces start before
            # its end (pieces are sorted and disjoint)
            k = first_after(pl.ot[1], lo, hi, op[S, o], True)
            while k < hi and pl.ot[0, k] < busy:
                inside = min(busy, pl.ot[1, k]) - max(op[S, o], pl.ot[0, k])
                if inside > 0:
                    sc.minutes[k] += inside
                k += 1
        for k in range(pl.ot.shape[1]):
            if sc.minutes[k] > 0:
                out[W_OVERTIME] += (pl.ot[2, k] * sc.minutes[k] + 59) // 60
    if every or w[W_DEVIATION]:
        for o in range(op.shape[1]):
            if p[PM, o] >= 0:
                out[W_DEVIATION] += abs(op[T, o] - p[PS, o])
                if op[MACH, o] != p[PM, o]:
                    out[W_DEVIATION] += w[5]
