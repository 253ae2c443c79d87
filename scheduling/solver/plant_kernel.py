"""The compiled core of the plant search (`plantsearch.py`): semi-active decoding of machine
sequences on calendars, with changeovers and overtime, and the objective, in machine code;
and the construction's dispatching rules on large plants (`dispatch_rule`, `construct.py`),
which share its calendar arithmetic.

`decode.py` does the same in Python (about 0.5 s on 10,000 operations); here a decode of
10,000 operations takes 2-3 ms, and a decode again after a move about 0.7 ms, which is what
makes a local search on whole plants possible: a move anywhere ripples through everything
after it, as it does on the shop floor, instead of being frozen in time outside a
neighbourhood.

The plant is a handful of integer arrays (`Plant`), the schedule another (`Sched`). The
arithmetic on calendars is that of `calendars.Calendar` and `dispatch.place`, so a decoded
schedule is the one `decode.Decoder` would give for the same sequences and working time.

One module, though past the 500 lines a module should keep to: Numba's cache checks only the
source file of the function it compiled, not of the ones it calls or inlines ("cache
invalidation fails to recognise changes in symbols defined in another file"), so a kernel split
over two files would run stale machine code after an edit to the other one.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

jit = njit(cache=True, nogil=True)
# small helpers are inlined: Numba counts references to every array a call passes, and a
# call per operation with the plant's arrays cost more than the work
inline = njit(cache=True, nogil=True, inline="always")

# Rows of `Plant.op`, one column per operation.
(JP, JN, REL, LAG, MAXLAG, FAM, PAUSE, FIXED, FM, FS, FT, FE, MODE_PTR, PM, PS) = range(15)
OP_ROWS = 15
# Rows of `Sched.op`.
(MACH, MP, MS, POS, S, T, E, CRIT, INDEG, STACK, CO) = range(11)
# for decoding again after a move: in the part re-timed, changed by the move, re-timed, the
# re-timed ops (a list), and their times and machine before; the machine of an op's times
(INR, CHG, DIRTY, LIST, OS, OT, OE, OCO, OCRIT, OM, DM) = range(11, 22)
SCHED_ROWS = 22
# CRIT: what held an operation back
FREE, BY_JOB, BY_MACHINE = 0, 1, 2
# Objective weights in `Plant.w` (the components' order in `model.COMPONENTS`).
W_TARD, W_MAKESPAN, W_SETUP, W_OVERTIME, W_DEVIATION = range(5)


class Plant(NamedTuple):
    """A compiled plant as arrays (built by `plantsearch.plant_arrays`)."""

    op: np.ndarray  # [row, op]
    modes: np.ndarray  # [0 machine | 1 duration | 2 setup, mode]
    cal_ptr: np.ndarray  # calendar c's segments are starts/ends[cal_ptr[c]:cal_ptr[c + 1]]
    starts: np.ndarray
    ends: np.ndarray
    cum: np.ndarray  # work before segment i of calendar c at cum[i + c]; the total after it
    machine: np.ndarray  # [0 always | 1 overtime ptr, machine]; calendars 2m (work), 2m+1 (regular)
    co: np.ndarray  # [machine, family before, family after] changeover minutes
    ot: np.ndarray  # [0 start | 1 end | 2 cost per hour, piece]; machine m's are ptr..ptr next
    job: np.ndarray  # [0 due (-1: none) | 1 weight | 2 last op, job]
    w: np.ndarray  # the objective's weights, then the machine change penalty and the horizon


class Sched(NamedTuple):
    """Machine sequences and their decoded times."""

    op: np.ndarray  # [row, op]
    seq: np.ndarray  # [machine, place] -> op
    slen: np.ndarray  # [machine]
    minutes: np.ndarray  # [piece]: overtime minutes used (by the decoded times)
    meta: np.ndarray  # [0]: how many ops the last `redecode` re-timed, [1] pieces it touched
    parts: np.ndarray  # the objective's components (scratch; after `redecode`, its schedule's)
    base: np.ndarray  # the components of the decoded times (`decode`, `commit`)
    dmin: np.ndarray  # [piece]: the overtime minutes `redecode`'s times add (-: take away)
    touched: np.ndarray  # the pieces listed in dmin
    listed: np.ndarray  # [piece]: 1 when in `touched`


# ------------------------------------------------------------------ calendar arithmetic
@inline
def _after(a: np.ndarray, lo: int, hi: int, t: int, strict: bool) -> int:
    """The first index in a[lo:hi] (sorted) whose value is > t (strict) or >= t."""
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < t or (strict and a[mid] == t):
            lo = mid + 1
        else:
            hi = mid
    return lo


@inline
def fit(
    cal_ptr: np.ndarray, starts: np.ndarray, ends: np.ndarray, c: int, t: int, length: int
) -> int:
    """Earliest s >= t with [s, s + length) inside one segment of calendar c; -1 if none."""
    lo, hi = cal_ptr[c], cal_ptr[c + 1]
    i = _after(ends, lo, hi, t, length > 0)
    while i < hi:
        s = max(t, starts[i])
        if s + length <= ends[i]:
            return int(s)
        i += 1
    return -1


@inline
def next_working(cal_ptr: np.ndarray, starts: np.ndarray, ends: np.ndarray, c: int, t: int) -> int:
    lo, hi = cal_ptr[c], cal_ptr[c + 1]
    i = _after(ends, lo, hi, t, True)
    if i >= hi:
        return -1
    return int(max(t, starts[i]))


@inline
def work_end(
    cal_ptr: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    cum: np.ndarray,
    c: int,
    t: int,
    work: int,
) -> int:
    """End of `work` working minutes started at t, pausing through gaps; -1 past the end."""
    if work <= 0:
        return t
    lo, hi = cal_ptr[c], cal_ptr[c + 1]
    i = _after(ends, lo, hi, t, True)
    if i >= hi:
        return -1
    pos = max(t, starts[i])
    target = cum[i + c] + (pos - starts[i]) + work
    if target > cum[hi + c]:
        return -1
    # the segment j with cum[j] < target <= cum[j + 1]
    j = _after(cum, lo + c, hi + c + 1, target, False) - 1 - c
    return int(starts[j] + (target - cum[j + c]))


# ------------------------------------------------------------------ decoding
@jit
def _relink(op: np.ndarray, seq: np.ndarray, slen: np.ndarray, m: int) -> None:
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
        _relink(op, sc.seq, sc.slen, m)
    return bool((op[MACH] >= 0).all())


@inline
def _times(
    cal_ptr: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    cum: np.ndarray,
    m: int,
    always: int,
    pause: int,
    setup: int,
    duration: int,
    lo: int,
    first: int,
) -> tuple[int, int, int]:
    """(setup start, start, end) on machine m of a setup that starts at `lo` or later and its
    work (as `dispatch.place`); a pausable operation without a setup starts at the first
    working minute from `first`. (-1, -1, -1) where the calendar ends first."""
    if not pause or always:
        s = fit(cal_ptr, starts, ends, 2 * m, lo, setup + duration)
        if s < 0:
            return -1, -1, -1
        return s, s + setup, s + setup + duration
    cal = 2 * m + 1
    if setup > 0:
        s = fit(cal_ptr, starts, ends, cal, lo, setup)
        if s < 0:
            return -1, -1, -1
        t = s + setup
    else:
        s = t = next_working(cal_ptr, starts, ends, cal, first)
        if t < 0:
            return -1, -1, -1
    e = work_end(cal_ptr, starts, ends, cum, cal, t, duration)
    if e < 0:
        return -1, -1, -1
    return s, t, e


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
    s, t, e = _times(
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
    while top > 0:  # both successors written out, as in tabu_kernel.evaluate
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
    return _objective_after(pl, sc, changed)


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
    k = _after(pl.ot[1], lo, hi, s, True)
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
def _objective_after(pl: Plant, sc: Sched, changed: int) -> int:
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
            k = _after(pl.ot[1], lo, hi, op[S, o], True)
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


# ------------------------------------------------------------------ construction
# `dispatch_rule`'s rules (`dispatch.RULES`; ATCS with its look-ahead parameters)
RULE_NAMES = ("atcs", "edd", "slack", "mwkr", "fifo", "spt", "ect")
R_ATCS, R_EDD, R_SLACK, R_MWKR, R_FIFO, R_SPT, R_ECT = range(len(RULE_NAMES))
# `Rules.job` rows, `Rules.state` rows (one column per job)
J_FIRST, J_PRIO = range(2)
(J_CUR, J_READY, J_REM, J_BEST, J_KEY) = range(5)
NEVER = 1 << 62


class Rules(NamedTuple):
    """What `dispatch_rule` needs beyond the plant, and its scratch."""

    job: np.ndarray  # [J_FIRST | J_PRIO, job]
    job_of: np.ndarray  # [op]
    min_d: np.ndarray  # [op]: the quickest mode's duration
    m_init: np.ndarray  # [0 free from | 1 family (-1: none), machine]: after the fixed work
    cand_ptr: np.ndarray  # machine m's candidates are cand[cand_ptr[m]:][:cand_len[m]]
    params: np.ndarray  # [k1 * mean duration, k2 * mean changeover]
    # scratch
    state: np.ndarray  # [J_CUR..J_KEY, job]
    m_state: np.ndarray  # [0 free from | 1 family, machine]
    cand: np.ndarray  # operations that were their job's next when listed (some no longer)
    cand_len: np.ndarray  # [machine]
    tree: np.ndarray  # a tournament over the jobs' keys: tree[1] is the least (key, job)


@inline
def _rule_key(
    pl: Plant, ru: Rules, rule: int, j: int, s: int, e: int, d: int
) -> tuple[float, float, float]:
    """The priority of job j's next operation (least first), as `dispatch._Dispatcher`."""
    st, job = ru.state, pl.job
    due = job[0, j]
    prio = -float(ru.job[J_PRIO, j])
    if rule == R_ATCS:
        slack = 1e9 if due < 0 else max(0.0, float(due - e - (st[J_REM, j] - d)))
        index = (
            np.log(max(1, job[1, j]) / max(1, d))
            - slack / ru.params[0]
            - max(0, e - s - d) / ru.params[1]
        )
        return -index, prio, float(e - d)
    if rule == R_EDD:
        return (np.inf if due < 0 else float(due)), prio, float(e)
    if rule == R_SLACK:
        left = np.inf if due < 0 else float(due - e - (st[J_REM, j] - d))
        return left / max(1, job[1, j]), prio, float(e)
    if rule == R_MWKR:
        return -float(st[J_REM, j]), prio, float(e)
    if rule == R_FIFO:
        return float(st[J_READY, j]), prio, float(e)
    if rule == R_SPT:
        return float(d), prio, float(e)
    return float(e), prio, float(d)


@inline
def _mode_times(pl: Plant, ru: Rules, j: int, k: int) -> tuple[int, int, int]:
    """(setup start, start, end) of job j's next operation in mode k, after its machine's
    work so far."""
    o, m = ru.state[J_CUR, j], pl.modes[0, k]
    fam = ru.m_state[1, m]
    setup = pl.modes[2, k] + (pl.co[m, fam, pl.op[FAM, o]] if fam >= 0 else 0)
    free, ready = ru.m_state[0, m], ru.state[J_READY, j]
    return _times(
        pl.cal_ptr,
        pl.starts,
        pl.ends,
        pl.cum,
        m,
        pl.machine[0, m],
        pl.op[PAUSE, o],
        setup,
        pl.modes[1, k],
        max(free, ready - setup),
        max(free, ready),
    )


@jit
def _best_mode(pl: Plant, ru: Rules, j: int) -> tuple[int, int, int, int]:
    """The mode of job j's next operation that ends first (the quicker on a tie) and its
    times: (mode, setup start, start, end); mode -1 when none fits."""
    o = ru.state[J_CUR, j]
    best, bs, bt, be = -1, -1, -1, -1
    for k in range(pl.op[MODE_PTR, o], pl.op[MODE_PTR, o + 1]):
        s, t, e = _mode_times(pl, ru, j, k)
        if s >= 0 and (best < 0 or e < be or (e == be and pl.modes[1, k] < pl.modes[1, best])):
            best, bs, bt, be = k, s, t, e
    return best, bs, bt, be


@jit
def _rank(ru: Rules, j: int) -> None:
    """Job j's key changed: replay its matches in the tournament."""
    tree, key = ru.tree, ru.state[J_KEY]
    i = (tree.size // 2 + j) // 2
    while i >= 1:
        a, b = tree[2 * i], tree[2 * i + 1]
        if a < 0 or (b >= 0 and (key[b] < key[a] or (key[b] == key[a] and b < a))):
            a = b
        tree[i] = a
        i //= 2


@jit
def _advance(pl: Plant, ru: Rules, sc: Sched, j: int) -> bool:
    """Place the fixed operations at the head of job j, list its next one on its machines and
    find when it could end; False when it fits nowhere."""
    p, st, op = pl.op, ru.state, sc.op
    o = st[J_CUR, j]
    while o >= 0 and p[FIXED, o]:
        op[MACH, o], op[S, o], op[T, o], op[E, o], op[CO, o] = (
            p[FM, o],
            p[FS, o],
            p[FT, o],
            p[FE, o],
            0,
        )
        st[J_READY, j] = max(st[J_READY, j], p[FE, o] + p[LAG, o])
        st[J_REM, j] -= ru.min_d[o]
        o = p[JN, o]
    st[J_CUR, j] = o
    if o < 0:
        st[J_KEY, j] = NEVER
        _rank(ru, j)
        return True
    for k in range(p[MODE_PTR, o], p[MODE_PTR, o + 1]):
        m = pl.modes[0, k]
        ru.cand[ru.cand_ptr[m] + ru.cand_len[m]] = o
        ru.cand_len[m] += 1
    k, _, _, e = _best_mode(pl, ru, j)
    if k < 0:
        return False
    st[J_BEST, j] = st[J_KEY, j] = e
    _rank(ru, j)
    return True


@jit
def dispatch_rule(pl: Plant, ru: Rules, sc: Sched, rule: int) -> bool:
    """A schedule by a dispatching rule into the rows MACH, S, T, E and CO of `sc`, the one
    `dispatch.dispatch` builds (the same active-schedule generator, in machine code); False
    when an operation finds no room before the horizon.

    The job whose next operation can end first (the least key, then the least index) fixes a
    machine m and a time e; among the jobs whose next operation could start on m before e
    (and end there no later than at its best), the rule picks one (that job on a tie, else
    the least index)."""
    p, st, mst, op, cand = pl.op, ru.state, ru.m_state, sc.op, ru.cand
    n_jobs = ru.job.shape[1]
    mst[:, :] = ru.m_init
    ru.cand_len[:] = 0
    ru.tree[:] = -1
    leaves = ru.tree.size // 2
    ru.tree[leaves : leaves + n_jobs] = np.arange(n_jobs)
    st[J_KEY, :] = NEVER
    for j in range(n_jobs):
        o = st[J_CUR, j] = ru.job[J_FIRST, j]
        st[J_READY, j] = p[REL, o] if o >= 0 else 0
        st[J_REM, j] = 0
        while o >= 0:
            st[J_REM, j] += ru.min_d[o]
            o = p[JN, o]
    for j in range(n_jobs):
        _rank(ru, j)
    for j in range(n_jobs):
        if not _advance(pl, ru, sc, j):
            return False
    while True:
        j = ru.tree[1]
        key = st[J_KEY, j] if j >= 0 else NEVER
        if key == NEVER:
            return True
        k, s, t, e = _best_mode(pl, ru, j)
        if k < 0:
            return False
        if e > key:
            st[J_BEST, j] = st[J_KEY, j] = e
            _rank(ru, j)
            continue
        m = pl.modes[0, k]
        cj, cs, ct, ce = j, s, t, e
        c0, c1, c2 = _rule_key(pl, ru, rule, j, s, e, pl.modes[1, k])
        kept = ru.cand_ptr[m]
        for r in range(ru.cand_ptr[m], ru.cand_ptr[m] + ru.cand_len[m]):
            o2 = cand[r]
            j2 = ru.job_of[o2]
            if st[J_CUR, j2] != o2:
                continue  # placed since: dropped from the list
            cand[kept] = o2
            kept += 1
            if j2 == j or st[J_READY, j2] >= e:
                continue
            for k2 in range(p[MODE_PTR, o2], p[MODE_PTR, o2 + 1]):
                if pl.modes[0, k2] != m:
                    continue
                s2, t2, e2 = _mode_times(pl, ru, j2, k2)
                if s2 < 0 or s2 >= e or e2 > max(st[J_BEST, j2], e):
                    continue
                r0, r1, r2 = _rule_key(pl, ru, rule, j2, s2, e2, pl.modes[1, k2])
                if r0 < c0 or (
                    r0 == c0
                    and (r1 < c1 or (r1 == c1 and (r2 < c2 or (r2 == c2 and cj != j and j2 < cj))))
                ):
                    cj, cs, ct, ce = j2, s2, t2, e2
                    c0, c1, c2 = r0, r1, r2
        ru.cand_len[m] = kept - ru.cand_ptr[m]
        if cj != j:
            st[J_KEY, j] = e
            _rank(ru, j)
        o = st[J_CUR, cj]
        fam = mst[1, m]
        op[MACH, o], op[S, o], op[T, o], op[E, o] = m, cs, ct, ce
        op[CO, o] = pl.co[m, fam, p[FAM, o]] if fam >= 0 else 0
        mst[0, m], mst[1, m] = ce, p[FAM, o]
        st[J_READY, cj] = max(st[J_READY, cj], ce + p[LAG, o])
        st[J_REM, cj] -= ru.min_d[o]
        st[J_CUR, cj] = p[JN, o]
        if not _advance(pl, ru, sc, cj):
            return False


# ------------------------------------------------------------------ moves
@jit
def move(sc: Sched, o: int, m: int, i: int) -> tuple[int, int]:
    """Put `o` at place `i` of machine `m` (places counted without `o`); returns where it was."""
    op, seq, slen = sc.op, sc.seq, sc.slen
    was, at = op[MACH, o], op[POS, o]
    for k in range(at, slen[was] - 1):
        seq[was, k] = seq[was, k + 1]
    slen[was] -= 1
    seq[was, slen[was]] = -1
    for k in range(slen[m], i, -1):
        seq[m, k] = seq[m, k - 1]
    seq[m, i] = o
    slen[m] += 1
    _relink(op, seq, slen, was)
    if m != was:
        _relink(op, seq, slen, m)
    return was, at


# ------------------------------------------------------------------ the search
# `Walk.sc`: the search's scalars
IT, CUR, BEST, SINCE = range(4)
# `Walk.cand` rows: op, machine, place
C_OP, C_M, C_I = range(3)


class Walk(NamedTuple):
    cand: np.ndarray  # [C_OP..C_I, candidate]
    path: np.ndarray  # [op]
    tabu: np.ndarray  # [op]: may not move until this iteration
    weight: np.ndarray  # [job] scratch: weighted tardiness
    marks: np.ndarray  # ops a move changed (scratch)
    best_seq: np.ndarray
    best_slen: np.ndarray
    hist: np.ndarray  # late acceptance: the current value some steps ago
    sc: np.ndarray


def new_walk(pl: Plant, sc: Sched, history: int) -> Walk:
    n, jobs = sc.op.shape[1], pl.job.shape[1]
    return Walk(
        # at most three moves on its machine and one per other machine for each op of a chain
        cand=np.zeros((3, 3 * n + pl.modes.shape[1] + 16), np.int64),
        path=np.zeros(n + 1, np.int64),
        tabu=np.zeros(n, np.int64),
        weight=np.zeros(jobs, np.int64),
        marks=np.zeros(n + 2, np.int64),
        best_seq=sc.seq.copy(),
        best_slen=sc.slen.copy(),
        hist=np.zeros(history, np.int64),
        sc=np.zeros(4, np.int64),
    )


@jit
def begin(pl: Plant, sc: Sched, wk: Walk) -> int:
    """Decode the loaded sequences, which become the current and best schedule; -1 if they
    do not decode."""
    if not link(sc):
        return -1
    value = decode(pl, sc)
    if value >= 0:
        _save(sc, wk, value)
        _reset(wk, value)
    return value


@jit
def _reset(wk: Walk, value: int) -> None:
    """Walk on from a schedule of `value`: no tabu, its value the whole history."""
    wk.sc[CUR], wk.sc[SINCE] = value, 0
    wk.tabu[:] = 0
    wk.hist[:] = value


@jit
def _target(pl: Plant, sc: Sched, wk: Walk) -> int:
    """The last operation of a late order (drawn by weighted tardiness), or the plan's end."""
    op, job = sc.op, pl.job
    total = 0
    if pl.w[W_TARD]:
        for j in range(job.shape[1]):
            x = 0
            if job[2, j] >= 0 and job[0, j] >= 0 and op[E, job[2, j]] > job[0, j]:
                x = job[1, j] * (op[E, job[2, j]] - job[0, j])
            wk.weight[j] = x
            total += x
    if total == 0 or (pl.w[W_MAKESPAN] and np.random.randint(5) == 0):
        return int(np.argmax(op[E]))
    r = np.random.randint(total)
    for j in range(job.shape[1]):
        r -= wk.weight[j]
        if r < 0:
            return int(job[2, j])
    return int(job[2, job.shape[1] - 1])


@jit
def _add(cand: np.ndarray, k: int, o: int, m: int, i: int) -> int:
    cand[C_OP, k], cand[C_M, k], cand[C_I, k] = o, m, i
    return k + 1


@jit
def candidates(pl: Plant, sc: Sched, wk: Walk, x: int) -> int:
    """Moves along the chain that held `x` back: each operation held by its machine
    predecessor goes before it, before the one before that, and to the front of its run;
    an operation with other machines goes to each of them at its time."""
    op, p, cand = sc.op, pl.op, wk.cand
    length = 0
    while x >= 0 and length < wk.path.size:
        wk.path[length] = x
        length += 1
        c = op[CRIT, x]
        x = p[JP, x] if c == BY_JOB else (op[MP, x] if c == BY_MACHINE else -1)
    k = 0
    for h in range(length):
        v = wk.path[h]
        if p[FIXED, v]:
            continue
        m = op[MACH, v]
        if op[CRIT, v] == BY_MACHINE:
            u = op[MP, v]
            if not p[FIXED, u]:
                k = _add(cand, k, v, m, op[POS, u])
                f, steps = u, 0
                while op[CRIT, f] == BY_MACHINE and not p[FIXED, op[MP, f]]:
                    f = op[MP, f]
                    steps += 1
                    if steps == 1:
                        k = _add(cand, k, v, m, op[POS, f])
                if steps > 1:
                    k = _add(cand, k, v, m, op[POS, f])
        for q in range(p[MODE_PTR, v], p[MODE_PTR, v + 1]):
            m2 = pl.modes[0, q]
            if m2 == m:
                continue
            lo, hi = 0, sc.slen[m2]  # the first place whose work starts after v's
            while lo < hi:
                mid = (lo + hi) // 2
                if op[S, sc.seq[m2, mid]] < op[S, v]:
                    lo = mid + 1
                else:
                    hi = mid
            k = _add(cand, k, v, m2, lo)
    return k


@jit
def _copy_seqs(seq: np.ndarray, slen: np.ndarray, to_seq: np.ndarray, to_slen: np.ndarray) -> None:
    """Copy machine sequences, only the places in use (rows are as long as the plant has
    operations; past its length a sequence holds -1)."""
    for m in range(slen.size):
        hi = max(slen[m], to_slen[m])
        to_seq[m, :hi] = seq[m, :hi]
        to_slen[m] = slen[m]


@jit
def _save(sc: Sched, wk: Walk, value: int) -> None:
    wk.sc[BEST] = value
    _copy_seqs(sc.seq, sc.slen, wk.best_seq, wk.best_slen)


@jit
def _mark(sc: Sched, wk: Walk, m: int, lo: int, hi: int, k: int, t0: int) -> tuple[int, int]:
    """Flag the ops at places lo..hi of machine m as changed (listed in wk.marks from k);
    returns the new count and the earliest setup start among them."""
    op = sc.op
    for i in range(max(lo, 0), min(hi, sc.slen[m] - 1) + 1):
        o = sc.seq[m, i]
        if not op[CHG, o]:
            op[CHG, o] = 1
            wk.marks[k] = o
            k += 1
            if op[S, o] < t0:
                t0 = op[S, o]
    return k, t0


@jit
def try_move(pl: Plant, sc: Sched, wk: Walk, o: int, m: int, i: int) -> tuple[int, int, int]:
    """Make a move and decode again from where it changes things: (objective or -1, where o
    was: machine, place). Undo it with `undo_move` or keep it with `commit`."""
    was, at = move(sc, o, m, i)
    if m == was:
        k, t0 = _mark(sc, wk, m, min(i, at), max(i, at) + 1, 0, 1 << 62)
    else:
        k, t0 = _mark(sc, wk, was, at, at, 0, 1 << 62)
        k, t0 = _mark(sc, wk, m, i, i + 1, k, t0)
    value = redecode(pl, sc, t0)
    for x in range(k):
        sc.op[CHG, wk.marks[x]] = 0
    return value, was, at


@jit
def undo_move(sc: Sched, o: int, was: int, at: int, decoded: bool) -> None:
    move(sc, o, was, at)
    if decoded:
        restore(sc)


@jit
def iterate(
    pl: Plant,
    sc: Sched,
    wk: Walk,
    count: int,
    tenure: int,
    patience: int,
    most: int,
    draws: int,
) -> None:
    """`count` steps: the best of at most `most` candidate moves around a late order's chain,
    unless tabu (an operation a move passed may not move back for a while) and no better than
    the best; back to the best after `patience` steps without a new best. The place of each
    sampled move in the list is the least of `draws` uniform draws: above 1, the sample favours
    the moves nearer the late order (the first along its chain)."""
    cand, st = wk.cand, wk.sc
    for _ in range(count):
        st[IT] += 1
        it = st[IT]
        found = candidates(pl, sc, wk, _target(pl, sc, wk))
        if found > most:  # a random sample
            for a in range(most):
                b = np.random.randint(found - a)
                for _ in range(1, draws):
                    b = min(b, np.random.randint(found - a))
                b += a
                for r in range(3):
                    cand[r, a], cand[r, b] = cand[r, b], cand[r, a]
            found = most
        choice, value = -1, -1
        for c in range(found):
            o, m, i = cand[C_OP, c], cand[C_M, c], cand[C_I, c]
            v, was, at = try_move(pl, sc, wk, o, m, i)
            undo_move(sc, o, was, at, v >= 0)
            if v < 0:
                continue
            passed = sc.seq[m, i] if m == was and i < at else -1
            if (wk.tabu[o] > it or (passed >= 0 and wk.tabu[passed] > it)) and v >= st[BEST]:
                continue
            if choice < 0 or v < value:
                choice, value = c, v
        h = it % wk.hist.size
        if choice >= 0 and (value <= st[CUR] or value <= wk.hist[h]):
            o, m, i = cand[C_OP, choice], cand[C_M, choice], cand[C_I, choice]
            value, was, at = try_move(pl, sc, wk, o, m, i)
            commit(sc)
            if m == was:  # the ops it passed may not pass back
                for k in range(min(i, at), max(i, at) + 1):
                    if sc.seq[m, k] != o:
                        wk.tabu[sc.seq[m, k]] = it + tenure + np.random.randint(tenure)
            else:  # nor may it move again
                wk.tabu[o] = it + tenure + np.random.randint(tenure)
            st[CUR] = value
        wk.hist[h] = st[CUR]
        if st[CUR] < st[BEST]:
            _save(sc, wk, st[CUR])
            st[SINCE] = 0
        else:
            st[SINCE] += 1
            if st[SINCE] > patience:
                _copy_seqs(wk.best_seq, wk.best_slen, sc.seq, sc.slen)
                link(sc)
                _reset(wk, decode(pl, sc))


@jit
def seed_random(seed: int) -> None:
    """Seed this thread's generator (Numba keeps one per thread)."""
    np.random.seed(seed)


def compile_ahead() -> None:
    """Compile (or load from the cache) every function, on a tiny plant."""
    from .compiled import Compiled
    from .construct import CompiledRules
    from .dispatch import dispatch
    from .generate import generate_plant
    from .plantsearch import Walker

    c = Compiled(generate_plant(12, 3, seed=0))
    slots = dispatch(c, "atcs")
    assert slots is not None
    assert CompiledRules(c).run("atcs") >= 0
    walker = Walker(c, slots, seed=0)
    walker.run(iterations=20)
