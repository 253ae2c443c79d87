"""The construction's dispatching rules in machine code (`dispatch_rule`): the schedules of
`dispatch.dispatch`, about ten times faster (`construct.CompiledRules` drives them)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..kernelcache import inline, jit
from .arrays import (
    CO,
    FAM,
    FE,
    FIXED,
    FM,
    FS,
    FT,
    JN,
    LAG,
    MACH,
    MODE_PTR,
    PAUSE,
    REL,
    E,
    Plant,
    S,
    Sched,
    T,
)
from .calendars import work_times

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
    return work_times(
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
