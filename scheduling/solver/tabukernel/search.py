"""The search's loop (`iterate`): the best move that is not tabu, the tabu list of reversed
orders and left machines, and the restart from the best schedule after a while."""

from __future__ import annotations

import numpy as np

from ..kernelcache import jit
from .graph import (
    BEST,
    BEST_MACH,
    BEST_R,
    CA,
    CB,
    CC,
    CMAX,
    DONE,
    EST,
    IT,
    KIND,
    MACH,
    PATH,
    SHIFT,
    SINCE,
    TCOUNT,
    Graph,
    R,
    evaluate,
    link,
)
from .neighbourhood import apply, moves


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
def _restart(g: Graph, flexible: bool) -> int:
    """The best schedule with two to six random critical moves; returns its makespan."""
    g.seq[:, :] = g.best_seq
    g.slen[0] = g.slen[1]
    link(g.op, g.modes, g.seq, g.slen[0])
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
