"""The walk over machine sequences (`plantsearch.Walker` drives it): the moves along the chain
that made a late order late (`candidates`), each made and decoded again (`try_move`), and the
loop that picks among them (`iterate`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..kernelcache import jit
from .arrays import (
    BY_JOB,
    BY_MACHINE,
    CHG,
    CRIT,
    FIXED,
    JP,
    MACH,
    MODE_PTR,
    MP,
    POS,
    W_MAKESPAN,
    W_TARD,
    E,
    Plant,
    S,
    Sched,
)
from .decode import commit, decode, link, redecode, relink, restore


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
    relink(op, seq, slen, was)
    if m != was:
        relink(op, seq, slen, m)
    return was, at


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
