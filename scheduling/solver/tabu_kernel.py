"""The compiled core of the tabu search (`tabu.py`): the state as integer arrays and the
loops over it, compiled by Numba to machine code that releases the interpreter.

Everything here works on `Graph`, a handful of arrays; there are no Python objects in the
loops. 10 to 35 times the speed of the same loops interpreted: 50,000 iterations a second on
a 15 x 15 job shop, 5,000 on a 2,000-operation flexible one. The first call in a new
environment compiles (about 30 s, once: the machine code is cached beside this file);
`compile_ahead()` does it ahead of time (`make install` runs it).

One module, though past the 500 lines a module should keep to: Numba's cache checks only the
source file of the function it compiled, not of the ones it calls or inlines ("cache
invalidation fails to recognise changes in symbols defined in another file"), so a kernel split
over two files would run stale machine code after an edit to the other one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numba import njit

if TYPE_CHECKING:
    from .tabu import Shop

jit = njit(cache=True, nogil=True)


# Rows of `Graph.op`, one column per operation (BSTART and MODE_PTR have one more).
(JP, JN, REL, MODE_PTR, MACH, P, MP, MS, POS, R, Q, BEST_MACH, BEST_R) = range(13)
(INDEG, STACK, ORDER, PATH, BSTART, RUN, OLD, HEADS) = range(13, 21)
ROWS = 21
# `Graph.sc`: the search's scalars, kept between slices.
IT, SINCE, CMAX, BEST, DONE, TCOUNT = range(6)
SCALARS = 6
# `Graph.cand`: candidate moves, one column each: estimate, kind, and three integers
# (a reordering: the block's start on the path, from, to; a shift: op, machine, op before).
EST, KIND, CA, CB, CC = range(5)
REORDER, SHIFT = 0, 1


class Graph(NamedTuple):
    """The state of the search as integer arrays.

    Hot functions take only the arrays they read: Numba counts references to every array
    passed to a call, and passing the whole state to each small helper cost more than the
    work (a neighbourhood took 28 us instead of 3)."""

    op: np.ndarray  # [row, operation]: the shop (JP..MODE_PTR), the schedule, the best, scratch
    modes: np.ndarray  # [0 machine | 1 time, mode]; op o's modes are MODE_PTR[o]:MODE_PTR[o+1]
    seq: np.ndarray  # [machine, place] -> operation
    best_seq: np.ndarray
    slen: np.ndarray  # [0 current | 1 best, machine]: how many operations the machine runs
    cand: np.ndarray  # [EST..CC, move]
    tab: np.ndarray  # [0 key | 1 expiry, slot]: open addressing, (a before b) is tabu
    tabu_m: np.ndarray  # [op * machines + machine]: going back there is tabu until
    sc: np.ndarray  # IT, SINCE, ...


def new_graph(shop: Shop, sequences: Sequence[Sequence[int]]) -> Graph:
    """The search's arrays for `shop` with the machine order `sequences`."""
    n, n_m = len(shop.modes), shop.n_machines
    flat = [mode for modes in shop.modes for mode in modes]
    op = np.zeros((ROWS, n + 1), np.int64)
    op[JP, :n], op[JN, :n], op[REL, :n] = shop.job_prev, shop.job_next, shop.release
    op[MODE_PTR, 1:] = np.cumsum([len(modes) for modes in shop.modes])
    table = 1 << max(12, (16 * n).bit_length())
    g = Graph(
        op=op,
        modes=np.array([[m for m, _ in flat], [t for _, t in flat]], np.int64).reshape(2, -1),
        seq=np.full((n_m, max(1, n)), -1, np.int64),
        best_seq=np.full((n_m, max(1, n)), -1, np.int64),
        slen=np.zeros((2, n_m), np.int64),
        cand=np.zeros((5, 4 * n + len(flat) + 8), np.int64),
        tab=np.full((2, table), -1, np.int64),
        tabu_m=np.zeros(n * n_m, np.int64),
        sc=np.zeros(SCALARS, np.int64),
    )
    load(g, sequences)
    return g


def load(g: Graph, sequences: Sequence[Sequence[int]]) -> None:
    """Put the machine order `sequences` in `g` (heads and tails are then stale)."""
    g.seq.fill(-1)
    for m, seq in enumerate(sequences):
        g.seq[m, : len(seq)] = seq
        g.slen[0, m] = len(seq)
    if not _link(g.op, g.modes, g.seq, g.slen[0]):
        raise ValueError("every operation must be on exactly one of its machines")


def sequences(g: Graph) -> list[list[int]]:
    """The current machine order, per machine."""
    return [g.seq[m, : g.slen[0, m]].tolist() for m in range(g.slen.shape[1])]


@jit
def _time_on(op: np.ndarray, modes: np.ndarray, o: int, m: int) -> int:
    for k in range(op[MODE_PTR, o], op[MODE_PTR, o + 1]):
        if modes[0, k] == m:
            return int(modes[1, k])
    return -1


@jit
def _link(op: np.ndarray, modes: np.ndarray, seq: np.ndarray, slen: np.ndarray) -> bool:
    """Machines, times, places and machine links from the sequences; False if inconsistent."""
    n = op.shape[1] - 1
    op[MACH, :] = -1
    for m in range(slen.size):
        prev = -1
        for i in range(slen[m]):
            o = seq[m, i]
            if o < 0 or o >= n or op[MACH, o] >= 0:
                return False
            t = _time_on(op, modes, o, m)
            if t < 0:
                return False
            op[MACH, o], op[P, o], op[POS, o], op[MP, o] = m, t, i, prev
            if prev >= 0:
                op[MS, prev] = o
            prev = o
        if prev >= 0:
            op[MS, prev] = -1
    return bool((op[MACH, :n] >= 0).all())


@jit
def evaluate(op: np.ndarray) -> int:
    """Heads, tails and the makespan; -1 if the sequences close a cycle (heads then stale)."""
    n = op.shape[1] - 1
    r, q, p, jn, ms = op[R], op[Q], op[P], op[JN], op[MS]
    indeg, stack, order = op[INDEG], op[STACK], op[ORDER]
    top = 0
    for o in range(n):
        r[o] = op[REL, o]
        d = (op[JP, o] >= 0) + (op[MP, o] >= 0)
        indeg[o] = d
        if d == 0:
            stack[top] = o
            top += 1
    k = 0
    while top > 0:  # the hot loop: both successors written out (a helper made it 4x slower)
        top -= 1
        o = stack[top]
        order[k] = o
        k += 1
        e = r[o] + p[o]
        s = jn[o]
        if s >= 0:
            if r[s] < e:
                r[s] = e
            indeg[s] -= 1
            if indeg[s] == 0:
                stack[top] = s
                top += 1
        s = ms[o]
        if s >= 0:
            if r[s] < e:
                r[s] = e
            indeg[s] -= 1
            if indeg[s] == 0:
                stack[top] = s
                top += 1
    if k != n:
        return -1
    cmax = 0
    for i in range(n - 1, -1, -1):
        o = order[i]
        t = 0
        s = jn[o]
        if s >= 0:
            t = q[s] + p[s]
        s = ms[o]
        if s >= 0 and q[s] + p[s] > t:
            t = q[s] + p[s]
        q[o] = t
        if r[o] + p[o] + t > cmax:
            cmax = r[o] + p[o] + t
    return cmax


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
    t = _time_on(op, modes, o, m)
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
    op[MACH, o], op[P, o] = m, _time_on(op, modes, o, m)


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
def _slot(tab: np.ndarray, key: int) -> int:
    mask = tab.shape[1] - 1
    h = (key * 2654435761) & mask
    while tab[0, h] != key and tab[0, h] != -1:
        h = (h + 1) & mask
    return int(h)


@jit
def _is_tabu_pair(tab: np.ndarray, key: int, it: int) -> bool:
    h = _slot(tab, key)
    return bool(tab[0, h] >= 0 and tab[1, h] > it)


@jit
def _forbid_pair(tab: np.ndarray, sc: np.ndarray, key: int, expiry: int) -> None:
    """Make a pair's order tabu until `expiry`; the table is swept of expired pairs when half
    full (and forgets the oldest if they still fill a quarter of it)."""
    if 2 * sc[TCOUNT] >= tab.shape[1]:
        old = tab.copy()
        tab[0, :] = -1
        sc[TCOUNT] = 0
        for k in range(old.shape[1]):
            if old[0, k] >= 0 and old[1, k] > sc[IT] and 4 * sc[TCOUNT] < tab.shape[1]:
                h = _slot(tab, old[0, k])
                tab[0, h], tab[1, h] = old[0, k], old[1, k]
                sc[TCOUNT] += 1
    h = _slot(tab, key)
    if tab[0, h] < 0:
        sc[TCOUNT] += 1
    tab[0, h], tab[1, h] = key, expiry


@jit
def _move_is_tabu(g: Graph, c: int, it: int) -> bool:
    """Would move `c` bring back an order a recent move reversed, or an operation to the
    machine it recently left?"""
    op, cand = g.op, g.cand
    if cand[KIND, c] == SHIFT:
        return bool(g.tabu_m[cand[CA, c] * g.slen.shape[1] + cand[CB, c]] > it)
    s, i, j = cand[CA, c], cand[CB, c], cand[CC, c]
    n = op.shape[1] - 1
    u = op[PATH, s + i]
    for k in range(min(i, j), max(i, j) + 1):
        y = op[PATH, s + k]
        if y != u and _is_tabu_pair(g.tab, y * n + u if j > i else u * n + y, it):
            return True
    return False


@jit
def _forbid(g: Graph, c: int, expiry: int, was: int) -> None:
    """After move `c`: reversing it is tabu until `expiry` (`was`: the machine an op left)."""
    op, cand = g.op, g.cand
    if cand[KIND, c] == SHIFT:
        g.tabu_m[cand[CA, c] * g.slen.shape[1] + was] = expiry
        return
    s, i, j = cand[CA, c], cand[CB, c], cand[CC, c]
    n = op.shape[1] - 1
    u = op[PATH, s + i]
    for k in range(min(i, j), max(i, j) + 1):
        y = op[PATH, s + k]
        if y != u:
            _forbid_pair(g.tab, g.sc, u * n + y if j > i else y * n + u, expiry)


@jit
def _save_best(g: Graph, cmax: int) -> None:
    g.sc[BEST] = cmax
    g.op[BEST_MACH] = g.op[MACH]
    g.op[BEST_R] = g.op[R]
    g.slen[1] = g.slen[0]
    for m in range(g.slen.shape[1]):
        g.best_seq[m, : g.slen[0, m]] = g.seq[m, : g.slen[0, m]]


@jit
def _clear_tabu(g: Graph) -> None:
    g.tab[0, :] = -1
    g.sc[TCOUNT] = 0
    g.tabu_m[:] = 0


@jit
def moves(g: Graph, cmax: int, flexible: bool) -> int:
    """The candidate moves around one critical path, in `g.cand`; returns how many."""
    blocks = critical_blocks(g.op, cmax)
    count = reorderings(g.op, g.cand, blocks)
    return shifts(g, blocks, count) if flexible else count


@jit
def _restart(g: Graph, flexible: bool) -> int:
    """The best schedule with two to six random critical moves; returns its makespan."""
    g.seq[:, :] = g.best_seq
    g.slen[0] = g.slen[1]
    _link(g.op, g.modes, g.seq, g.slen[0])
    cmax = evaluate(g.op)
    for _ in range(np.random.randint(2, 7)):
        count = moves(g, cmax, flexible)
        if count == 0:
            break
        value = apply(g, np.random.randint(count))
        if value >= 0:
            cmax = value
    _clear_tabu(g)
    return cmax


@jit
def seed_random(seed: int) -> None:
    np.random.seed(seed)


@jit
def begin(g: Graph) -> int:
    """Heads and tails of the loaded schedule, which becomes the best; -1 on a cycle."""
    cmax = evaluate(g.op)
    if cmax >= 0:
        g.sc[CMAX] = cmax
        g.sc[SINCE] = 0
        _save_best(g, cmax)
        _clear_tabu(g)
    return cmax


@jit
def iterate(g: Graph, count: int, patience: int, tenure_lo: int, tenure_hi: int) -> None:
    """Up to `count` iterations of the search (fewer when no move is left: g.sc[DONE])."""
    flexible = g.modes.shape[1] > g.op.shape[1] - 1
    sc, cand = g.sc, g.cand
    for _ in range(count):
        if sc[BEST] <= 0:
            break
        sc[IT] += 1
        it = sc[IT]
        found = moves(g, sc[CMAX], flexible)
        if found == 0:  # every block one operation with one machine: a job's chain, a bound
            sc[DONE] = 1
            break
        keys = np.empty(found, np.int64)
        index = np.empty(found, np.int64)
        allowed = 0
        for c in range(found):
            if cand[EST, c] >= sc[BEST] and _move_is_tabu(g, c, it):
                continue
            keys[allowed] = cand[EST, c] * 1024 + np.random.randint(1024)  # ties at random
            index[allowed] = c
            allowed += 1
        if allowed == 0:  # everything tabu: any move
            index[0] = np.random.randint(found)
            allowed = 1
            keys[0] = 0
        for c in index[:allowed][np.argsort(keys[:allowed])]:
            expiry = it + np.random.randint(tenure_lo, tenure_hi + 1)
            was = g.op[MACH, cand[CA, c]] if cand[KIND, c] == SHIFT else -1
            value = apply(g, c)
            if value >= 0:
                _forbid(g, c, expiry, was)
                sc[CMAX] = value
                break
        if sc[CMAX] < sc[BEST]:
            _save_best(g, sc[CMAX])
            sc[SINCE] = 0
        else:
            sc[SINCE] += 1
            if sc[SINCE] > patience:
                sc[CMAX] = _restart(g, flexible)
                sc[SINCE] = 0


def compile_ahead() -> None:
    """Compile (or load from the cache) every function, on a tiny shop."""
    from .tabu import Shop

    shop = Shop(
        modes=[[(0, 3), (1, 4)], [(1, 2)], [(1, 5)], [(0, 1), (1, 2)]],
        job_prev=[-1, 0, -1, 2],
        job_next=[1, -1, 3, -1],
        release=[0, 0, 0, 0],
        n_machines=2,
    )
    g = new_graph(shop, [[0, 3], [2, 1]])
    begin(g)
    seed_random(0)
    iterate(g, 50, 10, 2, 3)
