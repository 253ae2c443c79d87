"""The neighbourhood: a critical path cut into machine blocks, the moves within them (N7) and
of critical operations to their other machines, each with an estimated makespan, and making
a move (`apply`)."""

from __future__ import annotations

import numpy as np

from ..kernelcache import jit
from .graph import (
    BSTART,
    CA,
    CB,
    CC,
    EST,
    HEADS,
    JN,
    JP,
    KIND,
    MACH,
    MODE_PTR,
    MP,
    MS,
    OLD,
    PATH,
    POS,
    REL,
    REORDER,
    RUN,
    SHIFT,
    Graph,
    P,
    Q,
    R,
    evaluate,
    time_on,
)


@jit
def critical_blocks(op: np.ndarray, cmax: int) -> int:
    """One critical path (ties at random) cut into machine blocks; returns how many blocks.

    Block b is op[PATH, op[BSTART, b] : op[BSTART, b + 1]]."""
    r, q, p, path = op[R], op[Q], op[P], op[PATH]
    u, seen = -1, 0
    for o in range(op.shape[1] - 1):
        if r[o] + p[o] == cmax and q[o] == 0:
            seen += 1
            if np.random.randint(seen) == 0:
                u = o
    length = 0
    while True:
        path[length] = u
        length += 1
        a, b = op[MP, u], op[JP, u]
        ca = a >= 0 and r[a] + p[a] == r[u]
        cb = b >= 0 and r[b] + p[b] == r[u]
        if ca and cb:
            u = a if np.random.randint(2) == 0 else b
        elif ca:
            u = a
        elif cb:
            u = b
        else:
            break
    path[:length] = path[:length][::-1].copy()
    blocks = 0
    for i in range(length):
        if i == 0 or op[MS, path[i - 1]] != path[i]:
            op[BSTART, blocks] = i
            blocks += 1
    op[BSTART, blocks] = length
    return blocks


@jit
def _fill_run(op: np.ndarray, s: int, i: int, j: int) -> int:
    """Write the run of the block starting at path[s] that moving its i-th operation to
    place j changes: the old order in row OLD, the new one in row RUN; returns its length."""
    lo, hi = min(i, j), max(i, j)
    length = hi - lo + 1
    for k in range(length):
        op[OLD, k] = op[PATH, s + lo + k]
    u = op[PATH, s + i]
    if j > i:  # u goes after the others
        for k in range(length - 1):
            op[RUN, k] = op[OLD, k + 1]
        op[RUN, length - 1] = u
    else:  # before them
        op[RUN, 0] = u
        for k in range(1, length):
            op[RUN, k] = op[OLD, k - 1]
    return length


@jit
def _estimate(op: np.ndarray, length: int) -> int:
    """Estimated makespan once the machine run OLD is in the order RUN: the longest path
    through the run with heads and tails outside it as they are."""
    p, r, q = op[P], op[R], op[Q]
    a = op[MP, op[OLD, 0]]
    t = r[a] + p[a] if a >= 0 else 0
    for k in range(length):
        o = op[RUN, k]
        h = max(op[REL, o], t)
        x = op[JP, o]
        if x >= 0 and r[x] + p[x] > h:
            h = r[x] + p[x]
        op[HEADS, k] = h
        t = h + p[o]
    b = op[MS, op[OLD, length - 1]]
    t = q[b] + p[b] if b >= 0 else 0
    worst = 0
    for k in range(length - 1, -1, -1):
        o = op[RUN, k]
        x = op[JN, o]
        if x >= 0 and q[x] + p[x] > t:
            t = q[x] + p[x]
        t += p[o]
        if op[HEADS, k] + t > worst:
            worst = op[HEADS, k] + t
    return worst


@jit
def _add(cand: np.ndarray, k: int, est: int, kind: int, a: int, b: int, c: int) -> int:
    cand[EST, k], cand[KIND, k], cand[CA, k], cand[CB, k], cand[CC, k] = est, kind, a, b, c
    return k + 1


@jit
def _reorder_ok(op: np.ndarray, s: int, i: int, j: int) -> bool:
    """May the i-th operation of the block starting at path[s] move to place j without a
    cycle? Neighbours may always swap; otherwise the test of Balas and Vazacopoulos."""
    if abs(i - j) == 1:
        return True
    u, v = op[PATH, s + i], op[PATH, s + j]
    p = op[P]
    if j > i:
        x = op[JN, u]
        return bool(x < 0 or op[Q, v] + p[v] >= op[Q, x] + p[x])
    x = op[JP, u]
    return bool(x < 0 or op[R, v] + p[v] >= op[R, x] + p[x])


@jit
def reorderings(op: np.ndarray, cand: np.ndarray, blocks: int) -> int:
    """The N7 moves within the critical blocks, with their estimates; returns how many.

    The first and last operations of a block move to every other place in it, every inner one
    to its start and its end. A move is (block start, from, to); a swap of neighbours appears
    once (as the forward move)."""
    count = 0
    for b in range(blocks):
        s = op[BSTART, b]
        k = op[BSTART, b + 1] - s - 1
        for t in range(4 * k):
            if t < k:  # the first to every later place
                i, j = 0, t + 1
            elif t < 2 * k:  # the last to every earlier place
                i, j = k, t - k
            elif t < 3 * k:  # an inner one to the end
                i, j = t - 2 * k, k
            else:  # an inner one to the start
                i, j = t - 3 * k, 0
            if (t >= 2 * k and i == 0) or j == i - 1 or not _reorder_ok(op, s, i, j):
                continue  # not inner; a swap of neighbours (there as the forward move); unsafe
            length = _fill_run(op, s, i, j)
            count = _add(cand, count, _estimate(op, length), REORDER, s, i, j)
    return count


@jit
def _placement(
    op: np.ndarray, modes: np.ndarray, row: np.ndarray, n: int, o: int, m: int
) -> tuple[int, int]:
    """The best place for `o` on another machine `m` (sequence `row`, `n` long): (estimated
    makespan, op before it or -1), or (-1, -1) when none is safe.

    Only places that cannot close a cycle: every operation after `o` ends after `o`'s start
    (so it is not a predecessor) and every one before it has a longer tail than `o` (so it is
    not a successor). Along a machine, ends rise and tails fall, so both are ranges, found by
    bisection."""
    p, r, q = op[P], op[R], op[Q]
    lo, hi = 0, n  # the first place whose operation ends after r[o]
    while lo < hi:
        mid = (lo + hi) // 2
        if r[row[mid]] + p[row[mid]] <= r[o]:
            lo = mid + 1
        else:
            hi = mid
    first = lo
    lo, hi = 0, n  # the first place whose operation's time and tail are at most q[o]
    while lo < hi:
        mid = (lo + hi) // 2
        if q[row[mid]] + p[row[mid]] > q[o]:
            lo = mid + 1
        else:
            hi = mid
    last = lo
    if first > last:
        return -1, -1
    x = op[JP, o]
    head_job = max(op[REL, o], r[x] + p[x] if x >= 0 else 0)
    x = op[JN, o]
    tail_job = q[x] + p[x] if x >= 0 else 0
    t = time_on(op, modes, o, m)
    best, before = -1, -1
    for i in range(first, last + 1):
        head = head_job
        if i > 0:
            head = max(head, r[row[i - 1]] + p[row[i - 1]])
        tail = tail_job
        if i < n:
            tail = max(tail, q[row[i]] + p[row[i]])
        if best < 0 or head + t + tail < best:
            best, before = head + t + tail, row[i - 1] if i > 0 else -1
    return best, before


@jit
def shifts(g: Graph, blocks: int, count: int) -> int:
    """Critical operations to another of their machines, appended after `count` moves."""
    op, modes = g.op, g.modes
    for i in range(op[BSTART, blocks]):
        o = op[PATH, i]
        for k in range(op[MODE_PTR, o], op[MODE_PTR, o + 1]):
            m = modes[0, k]
            if m != op[MACH, o]:
                est, before = _placement(op, modes, g.seq[m], g.slen[0, m], o, m)
                if est >= 0:
                    count = _add(g.cand, count, est, SHIFT, o, m, before)
    return count


@jit
def _relink(op: np.ndarray, seq: np.ndarray, length: int, cur: int, new: int) -> None:
    """Put the consecutive machine run in the order of row `cur` in the order of row `new`."""
    first = op[cur, 0]
    m, i = op[MACH, first], op[POS, first]
    prev, b = op[MP, first], op[MS, op[cur, length - 1]]
    for k in range(length):
        o = op[new, k]
        seq[m, i + k] = o
        op[POS, o], op[MP, o] = i + k, prev
        if prev >= 0:
            op[MS, prev] = o
        prev = o
    op[MS, prev] = b
    if b >= 0:
        op[MP, b] = prev


@jit
def _take_out(op: np.ndarray, seq: np.ndarray, slen: np.ndarray, o: int) -> tuple[int, int]:
    """Take `o` off its machine; returns the machine and the operation before it (or -1)."""
    m, i, a, b = op[MACH, o], op[POS, o], op[MP, o], op[MS, o]
    for k in range(i, slen[m] - 1):
        seq[m, k] = seq[m, k + 1]
        op[POS, seq[m, k]] = k
    slen[m] -= 1
    seq[m, slen[m]] = -1
    if a >= 0:
        op[MS, a] = b
    if b >= 0:
        op[MP, b] = a
    op[MP, o], op[MS, o] = -1, -1
    return m, a


@jit
def _put(
    op: np.ndarray, modes: np.ndarray, seq: np.ndarray, slen: np.ndarray, o: int, m: int, after: int
) -> None:
    """Put `o` (off any machine) on `m` right after `after` (-1: first)."""
    i = op[POS, after] + 1 if after >= 0 else 0
    for k in range(slen[m], i, -1):
        seq[m, k] = seq[m, k - 1]
        op[POS, seq[m, k]] = k
    slen[m] += 1
    seq[m, i] = o
    b = seq[m, i + 1] if i + 1 < slen[m] else -1
    if after >= 0:
        op[MS, after] = o
    op[POS, o], op[MP, o], op[MS, o] = i, after, b
    if b >= 0:
        op[MP, b] = o
    op[MACH, o], op[P, o] = m, time_on(op, modes, o, m)


@jit
def apply(g: Graph, c: int) -> int:
    """Make candidate move `c`: the new makespan, or -1 (the move undone) if it closed a
    cycle, which only zero-length operations can make happen. Heads and tails are current."""
    op, cand = g.op, g.cand
    if cand[KIND, c] == REORDER:
        length = _fill_run(op, cand[CA, c], cand[CB, c], cand[CC, c])
        _relink(op, g.seq, length, OLD, RUN)
        value = evaluate(op)
        if value < 0:
            _relink(op, g.seq, length, RUN, OLD)
            evaluate(op)
        return value
    o, m, after = cand[CA, c], cand[CB, c], cand[CC, c]
    slen = g.slen[0]
    was, before = _take_out(op, g.seq, slen, o)
    _put(op, g.modes, g.seq, slen, o, m, after)
    value = evaluate(op)
    if value < 0:
        _take_out(op, g.seq, slen, o)
        _put(op, g.modes, g.seq, slen, o, was, before)
        evaluate(op)
    return value


@jit
def moves(g: Graph, cmax: int, flexible: bool) -> int:
    """The candidate moves around one critical path, in `g.cand`; returns how many."""
    blocks = critical_blocks(g.op, cmax)
    count = reorderings(g.op, g.cand, blocks)
    return shifts(g, blocks, count) if flexible else count
