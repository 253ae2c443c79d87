"""The compiled core of the plant search (`plantsearch.py`): semi-active decoding of machine
sequences on calendars, with changeovers and overtime, and the objective, in machine code.

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
# re-timed ops (a list), and their times before
(INR, CHG, DIRTY, LIST, OS, OT, OE, OCO, OCRIT) = range(11, 20)
SCHED_ROWS = 20
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
    minutes: np.ndarray  # [piece]: overtime minutes used (scratch)
    meta: np.ndarray  # [0]: how many ops the last `redecode` re-timed
    parts: np.ndarray  # the objective's components (scratch)


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
    if not p[PAUSE, o] or always[m]:
        s = fit(cal_ptr, starts, ends, 2 * m, lo, setup + duration)
        if s < 0:
            return False
        t, e = s + setup, s + setup + duration
    else:
        cal = 2 * m + 1
        if setup > 0:
            s = fit(cal_ptr, starts, ends, cal, lo, setup)
            if s < 0:
                return False
            t = s + setup
        else:
            s = t = next_working(cal_ptr, starts, ends, cal, max(free, ready))
            if t < 0:
                return False
        e = work_end(cal_ptr, starts, ends, cum, cal, t, duration)
        if e < 0:
            return False
    if e > horizon:
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
    return objective(pl, sc)


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
            if (op[S, o], op[T, o], op[E, o], op[CO, o], op[CRIT, o]) != (s0, t0_, e0, c0, k0):
                dirty[o] = 1
                op[OS, changed], op[OT, changed], op[OE, changed] = s0, t0_, e0
                op[OCO, changed], op[OCRIT, changed] = c0, k0
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
    return objective(pl, sc)


@jit
def _restore_list(op: np.ndarray, changed: int) -> None:
    for k in range(changed):
        o = op[LIST, k]
        op[S, o], op[T, o], op[E, o] = op[OS, k], op[OT, k], op[OE, k]
        op[CO, o], op[CRIT, o] = op[OCO, k], op[OCRIT, k]
        op[DIRTY, o] = 0


@jit
def restore(sc: Sched) -> None:
    """Back to the times before the last `redecode` (its sequences must be undone too)."""
    _restore_list(sc.op, sc.meta[0])


@jit
def commit(sc: Sched) -> None:
    """Keep the times of the last `redecode`."""
    op = sc.op
    for k in range(sc.meta[0]):
        op[DIRTY, op[LIST, k]] = 0


@jit
def objective(pl: Plant, sc: Sched) -> int:
    """The weighted objective of decoded times (as `Compiled.components`)."""
    parts = sc.parts
    _components(pl, sc, parts, False)
    total = 0
    for k in range(5):
        total += pl.w[k] * parts[k]
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
        out[W_TARD], out[W_MAKESPAN] = tard, makespan
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
def _save(sc: Sched, wk: Walk, value: int) -> None:
    wk.sc[BEST] = value
    wk.best_seq[:, :] = sc.seq
    wk.best_slen[:] = sc.slen


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
    pl: Plant, sc: Sched, wk: Walk, count: int, tenure: int, patience: int, most: int
) -> None:
    """`count` steps: the best of at most `most` candidate moves around a late order's chain,
    unless tabu (an operation a move passed may not move back for a while) and no better than
    the best; back to the best after `patience` steps without a new best."""
    cand, st = wk.cand, wk.sc
    for _ in range(count):
        st[IT] += 1
        it = st[IT]
        found = candidates(pl, sc, wk, _target(pl, sc, wk))
        if found > most:  # a random sample
            for a in range(most):
                b = a + np.random.randint(found - a)
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
                sc.seq[:, :] = wk.best_seq
                sc.slen[:] = wk.best_slen
                link(sc)
                _reset(wk, decode(pl, sc))


@jit
def seed_random(seed: int) -> None:
    """Seed this thread's generator (Numba keeps one per thread)."""
    np.random.seed(seed)


def compile_ahead() -> None:
    """Compile (or load from the cache) every function, on a tiny plant."""
    from .compiled import Compiled
    from .dispatch import dispatch
    from .generate import generate_plant
    from .plantsearch import Walker

    c = Compiled(generate_plant(12, 3, seed=0))
    slots = dispatch(c, "atcs")
    assert slots is not None
    walker = Walker(c, slots, seed=0)
    walker.run(iterations=20)
