"""Decoding: machine sequences to times, every operation as early as its predecessors and its
machine's calendar allow (`decode`), and again after a move from the earliest time it
changes (`redecode`), undone by `restore` or kept by `commit`."""

from __future__ import annotations

import numpy as np

from ..kernelcache import inline, jit
from .arrays import (
    BY_JOB,
    BY_MACHINE,
    CHG,
    CO,
    CRIT,
    DIRTY,
    DM,
    FAM,
    FE,
    FIXED,
    FM,
    FREE,
    FS,
    FT,
    INDEG,
    INR,
    JN,
    JP,
    LAG,
    LIST,
    MACH,
    MAXLAG,
    MODE_PTR,
    MP,
    MS,
    OCO,
    OCRIT,
    OE,
    OM,
    OS,
    OT,
    PAUSE,
    POS,
    REL,
    STACK,
    E,
    Plant,
    S,
    Sched,
    T,
)
from .calendars import work_times
from .objective import objective, objective_after


@jit
def relink(op: np.ndarray, seq: np.ndarray, slen: np.ndarray, m: int) -> None:
    """Machine, place and neighbours of every op on machine m, from its sequence."""
    prev = -1
    for i in range(slen[m]):
        o = seq[m, i]
        op[MACH, o], op[POS, o], op[MP, o], op[MS, o] = m, i, prev, -1
        if prev >= 0:
            op[MS, prev] = o
        prev = o


@jit
def link(sc: Sched) -> bool:
    """Machines, places and machine neighbours from the sequences; False if inconsistent."""
    op = sc.op
    n = op.shape[1]
    op[MACH, :] = -1
    for m in range(sc.slen.size):
        for i in range(sc.slen[m]):
            o = sc.seq[m, i]
            if o < 0 or o >= n or op[MACH, o] >= 0:
                return False
            op[MACH, o] = m
        relink(op, sc.seq, sc.slen, m)
    return bool((op[MACH] >= 0).all())


@inline
def _place(
    p: np.ndarray,
    op: np.ndarray,
    modes: np.ndarray,
    co_table: np.ndarray,
    always: np.ndarray,
    horizon: int,
    cal_ptr: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    cum: np.ndarray,
    o: int,
) -> bool:
    """Times of o after its job and machine predecessors (as `dispatch.place`)."""
    m = op[MACH, o]
    jp, mp = p[JP, o], op[MP, o]
    ready = p[REL, o]
    crit = FREE
    if jp >= 0 and op[E, jp] + p[LAG, jp] > ready:
        ready = op[E, jp] + p[LAG, jp]
        crit = BY_JOB
    free = op[E, mp] if mp >= 0 else 0
    if p[FIXED, o]:
        if p[FM, o] != m or p[FT, o] < ready or p[FS, o] < free:
            return False
        op[S, o], op[T, o], op[E, o], op[CO, o], op[CRIT, o] = p[FS, o], p[FT, o], p[FE, o], 0, crit
        return True
    k = p[MODE_PTR, o]
    while k < p[MODE_PTR, o + 1] and modes[0, k] != m:
        k += 1
    if k == p[MODE_PTR, o + 1]:
        return False
    duration, co = modes[1, k], 0
    if mp >= 0:
        co = co_table[m, p[FAM, mp], p[FAM, o]]
    setup = modes[2, k] + co
    lo = ready - setup
    if free >= lo:
        lo = free
        if mp >= 0:
            crit = BY_MACHINE
    s, t, e = work_times(
        cal_ptr, starts, ends, cum, m, always[m], p[PAUSE, o], setup, duration, lo, max(free, ready)
    )
    if s < 0 or e > horizon:
        return False
    if jp >= 0 and p[MAXLAG, jp] >= 0 and t - op[E, jp] > p[MAXLAG, jp]:
        return False
    op[S, o], op[T, o], op[E, o], op[CO, o], op[CRIT, o] = s, t, e, co, crit
    return True


@jit
def decode(pl: Plant, sc: Sched) -> int:
    """Every operation as early as its predecessors and calendar allow; the weighted objective,
    or -1 when the sequences close a cycle or break a hard constraint."""
    p, op, modes, co_table, always = pl.op, sc.op, pl.modes, pl.co, pl.machine[0]
    cal_ptr, starts, ends, cum, horizon = pl.cal_ptr, pl.starts, pl.ends, pl.cum, pl.w[6]
    n = op.shape[1]
    indeg, stack = op[INDEG], op[STACK]
    top = 0
    for o in range(n):
        d = (p[JP, o] >= 0) + (op[MP, o] >= 0)
        indeg[o] = d
        if d == 0:
            stack[top] = o
            top += 1
    done = 0
    while top > 0:  # both successors written out, as in tabukernel.graph.evaluate
        top -= 1
        o = stack[top]
        if not _place(p, op, modes, co_table, always, horizon, cal_ptr, starts, ends, cum, o):
            return -1
        done += 1
        s = p[JN, o]
        if s >= 0:
            indeg[s] -= 1
            if indeg[s] == 0:
                stack[top] = s
                top += 1
        s = op[MS, o]
        if s >= 0:
            indeg[s] -= 1
            if indeg[s] == 0:
                stack[top] = s
                top += 1
    if done != n:
        return -1
    value = objective(pl, sc)
    sc.base[:] = sc.parts
    op[DM, :] = op[MACH]
    return value


@jit
def redecode(pl: Plant, sc: Sched, t0: int) -> int:
    """Decode again after a move, from decoded times of the sequences before it: operations
    whose processing started before `t0` (the earliest setup start among those whose machine
    neighbours the move changed, which are flagged CHG) keep their times, since everything
    before them ends by then; the rest are re-timed in the new order, but only where an input
    changed. The re-timed ops are listed in row LIST with their old times (`restore` puts them
    back). Returns the objective or -1 (as `decode`)."""
    p, op, modes, co_table, always = pl.op, sc.op, pl.modes, pl.co, pl.machine[0]
    cal_ptr, starts, ends, cum, horizon = pl.cal_ptr, pl.starts, pl.ends, pl.cum, pl.w[6]
    n = op.shape[1]
    inr, indeg, stack, dirty, lst = op[INR], op[INDEG], op[STACK], op[DIRTY], op[LIST]
    count = 0
    for o in range(n):
        inr[o] = op[T, o] >= t0 or op[CHG, o]
        if inr[o]:
            lst[count] = o
            count += 1
    top = 0
    for k in range(count):
        o = lst[k]
        jp, mp = p[JP, o], op[MP, o]
        d = (jp >= 0 and inr[jp]) + (mp >= 0 and inr[mp])
        indeg[o] = d
        if d == 0:
            stack[top] = o
            top += 1
    done, changed = 0, 0
    while top > 0:
        top -= 1
        o = stack[top]
        done += 1
        jp, mp = p[JP, o], op[MP, o]
        if op[CHG, o] or (jp >= 0 and dirty[jp]) or (mp >= 0 and dirty[mp]):
            s0, t0_, e0, c0, k0 = op[S, o], op[T, o], op[E, o], op[CO, o], op[CRIT, o]
            if not _place(p, op, modes, co_table, always, horizon, cal_ptr, starts, ends, cum, o):
                op[S, o], op[T, o], op[E, o], op[CO, o], op[CRIT, o] = s0, t0_, e0, c0, k0
                _restore_list(op, changed)
                return -1
            moved = op[MACH, o] != op[DM, o]  # the move's own op, to another machine
            now = (op[S, o], op[T, o], op[E, o], op[CO, o], op[CRIT, o])
            if moved or now != (s0, t0_, e0, c0, k0):
                dirty[o] = 1
                op[OS, changed], op[OT, changed], op[OE, changed] = s0, t0_, e0
                op[OCO, changed], op[OCRIT, changed], op[OM, changed] = c0, k0, op[DM, o]
                op[DM, o] = op[MACH, o]
                op[LIST, changed] = o  # count > changed: the earlier entries are read already
                changed += 1
        s = p[JN, o]
        if s >= 0 and inr[s]:
            indeg[s] -= 1
            if indeg[s] == 0:
                stack[top] = s
                top += 1
        s = op[MS, o]
        if s >= 0 and inr[s]:
            indeg[s] -= 1
            if indeg[s] == 0:
                stack[top] = s
                top += 1
    if done != count:
        _restore_list(op, changed)
        return -1
    sc.meta[0] = changed  # how many `restore` must put back
    return objective_after(pl, sc, changed)


@jit
def _restore_list(op: np.ndarray, changed: int) -> None:
    for k in range(changed):
        o = op[LIST, k]
        op[S, o], op[T, o], op[E, o] = op[OS, k], op[OT, k], op[OE, k]
        op[CO, o], op[CRIT, o], op[DM, o] = op[OCO, k], op[OCRIT, k], op[OM, k]
        op[DIRTY, o] = 0


@jit
def _clear_dmin(sc: Sched, keep: bool) -> None:
    """Empty `sc.dmin`, first adding it to the minutes used when `keep`."""
    for x in range(sc.meta[1]):
        k = sc.touched[x]
        if keep:
            sc.minutes[k] += sc.dmin[k]
        sc.dmin[k], sc.listed[k] = 0, 0
    sc.meta[1] = 0


@jit
def restore(sc: Sched) -> None:
    """Back to the times before the last `redecode` (its sequences must be undone too)."""
    _restore_list(sc.op, sc.meta[0])
    _clear_dmin(sc, False)


@jit
def commit(sc: Sched) -> None:
    """Keep the times of the last `redecode`."""
    op = sc.op
    for k in range(sc.meta[0]):
        op[DIRTY, op[LIST, k]] = 0
    _clear_dmin(sc, True)
    sc.base[:] = sc.parts
