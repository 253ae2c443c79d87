"""The state of the search as integer arrays (`Graph`, built by `tabu.new_graph`), its machine
links from the sequences (`link`), and heads, tails and the makespan (`evaluate`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..kernelcache import jit

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


def load(g: Graph, sequences: Sequence[Sequence[int]]) -> None:
    """Put the machine order `sequences` in `g` (heads and tails are then stale)."""
    g.seq.fill(-1)
    for m, seq in enumerate(sequences):
        g.seq[m, : len(seq)] = seq
        g.slen[0, m] = len(seq)
    if not link(g.op, g.modes, g.seq, g.slen[0]):
        raise ValueError("every operation must be on exactly one of its machines")


def sequences(g: Graph) -> list[list[int]]:
    """The current machine order, per machine."""
    return [g.seq[m, : g.slen[0, m]].tolist() for m in range(g.slen.shape[1])]


@jit
def time_on(op: np.ndarray, modes: np.ndarray, o: int, m: int) -> int:
    for k in range(op[MODE_PTR, o], op[MODE_PTR, o + 1]):
        if modes[0, k] == m:
            return int(modes[1, k])
    return -1


@jit
def link(op: np.ndarray, modes: np.ndarray, seq: np.ndarray, slen: np.ndarray) -> bool:
    """Machines, times, places and machine links from the sequences; False if inconsistent."""
    n = op.shape[1] - 1
    op[MACH, :] = -1
    for m in range(slen.size):
        prev = -1
        for i in range(slen[m]):
            o = seq[m, i]
            if o < 0 or o >= n or op[MACH, o] >= 0:
                return False
            t = time_on(op, modes, o, m)
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
