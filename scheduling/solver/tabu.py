"""Tabu search on the critical path, for job shops that minimise the makespan alone.

The schedule is the order of the operations on each machine; the start times follow as the
longest paths of the graph of job and machine arcs (every operation as early as its job and
machine predecessors allow). Only a change to a critical block (a run of the critical path on
one machine) can shorten the makespan, so a move takes the first or last operation of a block
to another place in it, or an inner one to its start or end (the N7 neighbourhood of Zhang et
al., after Balas and Vazacopoulos), wherever a test on heads and tails shows it cannot close a
cycle. Each move is scored by the longest path through the moved run, with the heads and tails
outside it taken as they were (an estimate, O(run)); the best move that is not tabu is made,
or a tabu one that would beat the best schedule, and the order it reversed stays tabu for a
randomised tenure. When the best stops improving, the search goes back to it and perturbs it.

Pure Python: one iteration recomputes every head and tail, O(operations).
"""

from __future__ import annotations

import itertools
import random
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Shop:
    """A (flexible) job shop: per operation its modes, its job neighbours and its release."""

    modes: Sequence[Sequence[tuple[int, int]]]  # (machine, time) per eligible machine
    job_prev: Sequence[int]  # -1 for a job's first operation
    job_next: Sequence[int]  # -1 for a job's last operation
    release: Sequence[int]  # earliest start
    n_machines: int

    @property
    def flexible(self) -> bool:
        return any(len(m) > 1 for m in self.modes)


@dataclass(slots=True)
class TabuResult:
    makespan: int
    starts: list[int]
    machines: list[int]  # per operation
    iterations: int


class _Graph:
    """Machine sequences, as lists and as links (machine predecessor and successor), with
    heads (earliest starts) and tails."""

    def __init__(self, shop: Shop, sequences: Sequence[Sequence[int]]) -> None:
        n = len(shop.modes)
        self.shop = shop
        self.times = [dict(modes) for modes in shop.modes]
        self.mp = [-1] * n
        self.ms = [-1] * n
        self.mach = [-1] * n
        self.p = [0] * n
        self.seqs = [list(seq) for seq in sequences]
        for m, seq in enumerate(self.seqs):
            for a, b in itertools.pairwise(seq):
                self.ms[a] = b
                self.mp[b] = a
            for o in seq:
                self.mach[o] = m
                self.p[o] = self.times[o][m]
        if -1 in self.mach:
            raise ValueError("an operation is on no machine")
        self.r = [0] * n
        self.q = [0] * n

    def sequences(self) -> list[list[int]]:
        return [list(seq) for seq in self.seqs]

    def evaluate(self) -> int:
        """Heads, tails and the makespan."""
        shop = self.shop
        p = self.p
        jp, jn = shop.job_prev, shop.job_next
        mp, ms = self.mp, self.ms
        r = list(shop.release)
        indeg = [(a >= 0) + (b >= 0) for a, b in zip(jp, mp, strict=True)]
        stack = [o for o, d in enumerate(indeg) if d == 0]
        order: list[int] = []
        push = stack.append
        pop = stack.pop
        add = order.append
        while stack:  # the hot loop: both successors written out, a loop over them is slower
            o = pop()
            add(o)
            e = r[o] + p[o]
            s = jn[o]
            if s >= 0:
                if r[s] < e:
                    r[s] = e
                indeg[s] -= 1
                if not indeg[s]:
                    push(s)
            s = ms[o]
            if s >= 0:
                if r[s] < e:
                    r[s] = e
                indeg[s] -= 1
                if not indeg[s]:
                    push(s)
        if len(order) != len(p):
            raise ValueError("the machine sequences contradict the routings (a cycle)")
        q = [0] * len(p)
        cmax = 0
        for o in reversed(order):
            t = 0
            s = jn[o]
            if s >= 0:
                t = q[s] + p[s]
            s = ms[o]
            if s >= 0:
                u = q[s] + p[s]
                if u > t:
                    t = u
            q[o] = t
            if r[o] + p[o] + t > cmax:
                cmax = r[o] + p[o] + t
        self.r, self.q = r, q
        return cmax

    def critical_blocks(self, cmax: int, rng: random.Random) -> list[list[int]]:
        """One critical path, cut into machine blocks (ties broken at random)."""
        p = self.p
        r, q = self.r, self.q
        ends = [o for o in range(len(p)) if r[o] + p[o] == cmax and q[o] == 0]
        u = rng.choice(ends)
        path = [u]
        jp, mp = self.shop.job_prev, self.mp
        while True:
            a, b = mp[u], jp[u]
            ca = a >= 0 and r[a] + p[a] == r[u]
            cb = b >= 0 and r[b] + p[b] == r[u]
            if ca and cb:
                u = a if rng.random() < 0.5 else b
            elif ca:
                u = a
            elif cb:
                u = b
            else:
                break
            path.append(u)
        path.reverse()
        blocks: list[list[int]] = []
        ms = self.ms
        for o in path:
            if blocks and ms[blocks[-1][-1]] == o:
                blocks[-1].append(o)
            else:
                blocks.append([o])
        return blocks

    def estimate(self, old: list[int], seg: list[int]) -> int:
        """Estimated makespan once the machine run `old` is put in the order `seg`.

        The longest path through the run, with the heads and tails outside it taken as they
        are (they may change: the estimate is neither a bound nor exact).
        """
        shop = self.shop
        p, rel, jp, jn = self.p, shop.release, shop.job_prev, shop.job_next
        r, q = self.r, self.q
        a = self.mp[old[0]]
        t = r[a] + p[a] if a >= 0 else 0
        heads = []
        for o in seg:
            h = rel[o]
            if t > h:
                h = t
            x = jp[o]
            if x >= 0 and r[x] + p[x] > h:
                h = r[x] + p[x]
            heads.append(h)
            t = h + p[o]
        b = self.ms[old[-1]]
        t = q[b] + p[b] if b >= 0 else 0
        worst = 0
        for k in range(len(seg) - 1, -1, -1):
            o = seg[k]
            x = jn[o]
            tail = t
            if x >= 0 and q[x] + p[x] > tail:
                tail = q[x] + p[x]
            t = tail + p[o]
            if heads[k] + t > worst:
                worst = heads[k] + t
        return worst

    def relink(self, old: list[int], new: list[int]) -> None:
        """Put the machine run `old` (consecutive, in order) in the order `new`."""
        seq = self.seqs[self.mach[old[0]]]
        i = seq.index(old[0])
        seq[i : i + len(old)] = new
        mp, ms = self.mp, self.ms
        a, b = mp[old[0]], ms[old[-1]]
        if a >= 0:
            ms[a] = new[0]
        prev = a
        for o in new:
            mp[o] = prev
            if prev >= 0:
                ms[prev] = o
            prev = o
        ms[prev] = b
        if b >= 0:
            mp[b] = prev

    def take_out(self, o: int) -> tuple[int, int]:
        """Take `o` off its machine; returns the machine and the operation before it (or -1)."""
        mp, ms = self.mp, self.ms
        a, b, m = mp[o], ms[o], self.mach[o]
        self.seqs[m].remove(o)
        if a >= 0:
            ms[a] = b
        if b >= 0:
            mp[b] = a
        mp[o] = ms[o] = -1
        return m, a

    def put(self, o: int, m: int, after: int) -> None:
        """Put `o` (off any machine) on `m` right after `after` (-1: first)."""
        seq = self.seqs[m]
        i = seq.index(after) + 1 if after >= 0 else 0
        seq.insert(i, o)
        mp, ms = self.mp, self.ms
        b = seq[i + 1] if i + 1 < len(seq) else -1
        if after >= 0:
            ms[after] = o
        mp[o], ms[o] = after, b
        if b >= 0:
            mp[b] = o
        self.mach[o] = m
        self.p[o] = self.times[o][m]

    def placement(self, o: int, m: int) -> tuple[int, int] | None:
        """The best place for `o` on another machine `m`: (estimated makespan, op before it).

        Only places that cannot close a cycle: every operation after `o` ends after `o`'s
        start (so it is not a predecessor) and every one before it has a longer tail than
        `o` (so it is not a successor). Along a machine, ends rise and tails fall (each
        operation starts after the one before it ends), so both are ranges, found by bisection.
        """
        shop, p, r, q = self.shop, self.p, self.r, self.q
        seq = self.seqs[m]
        lo = bisect_right(seq, r[o], key=lambda x: r[x] + p[x])
        hi = bisect_left(seq, -q[o], key=lambda x: -(q[x] + p[x]))
        if lo > hi:
            return None
        x = shop.job_prev[o]
        head_job = max(shop.release[o], r[x] + p[x] if x >= 0 else 0)
        x = shop.job_next[o]
        tail_job = q[x] + p[x] if x >= 0 else 0
        t = self.times[o][m]
        n = len(seq)
        best_est = -1
        best_before = -1
        for i in range(lo, hi + 1):
            head = head_job
            if i > 0:
                x = seq[i - 1]
                if r[x] + p[x] > head:
                    head = r[x] + p[x]
            tail = tail_job
            if i < n:
                x = seq[i]
                if q[x] + p[x] > tail:
                    tail = q[x] + p[x]
            est = head + t + tail
            if best_est < 0 or est < best_est:
                best_est, best_before = est, seq[i - 1] if i > 0 else -1
        return best_est, best_before


Move = tuple[list[int], list[int], int, bool]  # (old run, new run, moved op, forward)


def neighbourhood(g: _Graph, blocks: list[list[int]]) -> list[Move]:
    """Insertions within critical blocks (N6/N7 of Balas-Vazacopoulos and Zhang et al.).

    The first and last operations of a block move to every other place in it, and every inner
    operation moves to its start and its end, where that cannot close a cycle.
    """
    p, jp, jn = g.p, g.shop.job_prev, g.shop.job_next
    r, q = g.r, g.q
    out: list[Move] = []
    seen: set[tuple[int, ...]] = set()
    for block in blocks:
        k = len(block) - 1
        if k < 1:
            continue
        pairs = [(0, j) for j in range(1, k + 1)] + [(k, j) for j in range(k)]
        pairs += [(i, k) for i in range(1, k)] + [(i, 0) for i in range(1, k)]
        for i, j in pairs:
            u = block[i]
            adjacent = abs(i - j) == 1  # swapping neighbours on a critical path is always safe
            if j > i:  # u runs after block[j]
                v = block[j]
                x = jn[u]
                if not adjacent and x >= 0 and q[v] + p[v] < q[x] + p[x]:
                    continue
                old = block[i : j + 1]
                new = [*old[1:], u]
            else:  # u runs before block[j]
                v = block[j]
                x = jp[u]
                if not adjacent and x >= 0 and r[v] + p[v] < r[x] + p[x]:
                    continue
                old = block[j : i + 1]
                new = [u, *old[:-1]]
            key = tuple(new)
            if key in seen:
                continue
            seen.add(key)
            out.append((old, new, u, j > i))
    return out


def tabu_search(
    shop: Shop,
    sequences: Sequence[Sequence[int]],
    *,
    deadline: float,
    seed: int = 0,
    on_improvement: Callable[[int, list[int], list[int]], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    incoming: Callable[[], tuple[int, list[list[int]]] | None] | None = None,
    report_every_s: float = 0.2,
    max_iterations: int | None = None,
) -> TabuResult:
    """Improve `sequences` (per machine, operation indexes) until `deadline` (monotonic).

    In a flexible shop a move may also take a critical operation to another of its machines,
    at the place there that looks best. `on_improvement(makespan, starts, machines)` sees new
    best schedules, at most every `report_every_s` and always the last one. `incoming()`,
    polled every few milliseconds, may hand over a schedule found elsewhere (makespan,
    sequences); a better one than the search's own best is taken up. Stops at the deadline, when
    `should_stop()`, or when no move is left (the critical path is one job's chain: optimal).
    """
    rng = random.Random(seed)
    g = _Graph(shop, sequences)
    cmax = g.evaluate()
    best = cmax
    best_seqs = g.sequences()
    best_r, best_m = list(g.r), list(g.mach)
    reported = best
    last_report = time.monotonic()
    n = len(shop.modes)
    flexible = shop.flexible
    tenure_lo = 8 + n // (2 * max(1, shop.n_machines))
    tenure_hi = tenure_lo + max(4, tenure_lo // 2)
    patience = max(500, 4 * n)
    tabu: dict[tuple[int, int], int] = {}  # (a, b): a before b on a machine is tabu
    tabu_m: dict[tuple[int, int], int] = {}  # (op, machine): going back there is tabu
    it = 0
    since = 0

    def report() -> None:
        nonlocal reported, last_report
        if on_improvement is not None and best < reported:
            on_improvement(best, best_r, best_m)
        reported = best
        last_report = time.monotonic()

    while best > 0:
        if it & 15 == 0:
            now = time.monotonic()
            if now >= deadline or (should_stop is not None and should_stop()):
                break
            if best < reported and now - last_report >= report_every_s:
                report()
            offer = incoming() if incoming is not None else None
            if offer is not None and offer[0] < best:
                g = _Graph(shop, offer[1])
                cmax = g.evaluate()
                best, reported = cmax, cmax
                best_seqs = g.sequences()
                best_r, best_m = list(g.r), list(g.mach)
                tabu.clear()
                tabu_m.clear()
                since = 0
        if max_iterations is not None and it >= max_iterations:
            break
        it += 1
        blocks = g.critical_blocks(cmax, rng)
        cands = neighbourhood(g, blocks)
        shifts = _reassignments(g, blocks) if flexible else []
        if not cands and not shifts:
            break  # every block is one operation with one machine: a job's chain, a bound
        scored: list[tuple[int, float, int, int]] = []  # (estimate, tie, kind, index)
        for k, (old, new, u, forward) in enumerate(cands):
            est = g.estimate(old, new)
            if est >= best and _is_tabu(tabu, it, old, u, forward):
                continue
            scored.append((est, rng.random(), 0, k))
        for k, (est, o, m, _) in enumerate(shifts):
            if est >= best and tabu_m.get((o, m), 0) > it:
                continue
            scored.append((est, rng.random(), 1, k))
        if scored:
            scored.sort()
        else:  # everything tabu: any move
            k = rng.randrange(len(cands) + len(shifts))
            scored = [(0, 0.0, 0, k) if k < len(cands) else (0, 0.0, 1, k - len(cands))]
        for _, _, kind, k in scored:
            expiry = it + rng.randint(tenure_lo, tenure_hi)
            if kind == 0:
                old, new, u, forward = cands[k]
                value = _reorder(g, old, new)
                if value is None:
                    continue
                for y in old:
                    if y != u:
                        tabu[(u, y) if forward else (y, u)] = expiry
            else:
                _, o, m, after = shifts[k]
                was = g.mach[o]
                value = _shift(g, o, m, after)
                if value is None:
                    continue
                tabu_m[(o, was)] = expiry
            cmax = value
            break
        if len(tabu) > 20 * n:
            tabu = {key: e for key, e in tabu.items() if e > it}
            tabu_m = {key: e for key, e in tabu_m.items() if e > it}
        if cmax < best:
            best = cmax
            best_seqs = g.sequences()
            best_r, best_m = list(g.r), list(g.mach)
            since = 0
        else:
            since += 1
            if since > patience:
                g = _restart(shop, best_seqs, rng)
                tabu.clear()
                tabu_m.clear()
                cmax = g.evaluate()
                since = 0
    report()
    return TabuResult(makespan=best, starts=best_r, machines=best_m, iterations=it)


def _reassignments(g: _Graph, blocks: list[list[int]]) -> list[tuple[int, int, int, int]]:
    """Critical operations to another of their machines: (estimate, op, machine, op before)."""
    out = []
    modes = g.shop.modes
    for block in blocks:
        for o in block:
            if len(modes[o]) < 2:
                continue
            here = g.mach[o]
            for m, _ in modes[o]:
                if m != here:
                    place = g.placement(o, m)
                    if place is not None:
                        out.append((place[0], o, m, place[1]))
    return out


def _is_tabu(tabu: dict[tuple[int, int], int], it: int, old: list[int], u: int, fwd: bool) -> bool:
    """Would the move bring back an order of two operations that a recent move reversed?"""
    return any(y != u and tabu.get((y, u) if fwd else (u, y), 0) > it for y in old)


def _reorder(g: _Graph, old: list[int], new: list[int]) -> int | None:
    """Make a reordering move: the new makespan, or None (undone) if it closed a cycle."""
    g.relink(old, new)
    try:
        return g.evaluate()
    except ValueError:
        g.relink(new, old)  # the heads and tails are still the old ones
        return None


def _shift(g: _Graph, o: int, m: int, after: int) -> int | None:
    """Move `o` to machine `m` after `after`: the new makespan, or None (undone) on a cycle."""
    was, before = g.take_out(o)
    g.put(o, m, after)
    try:
        return g.evaluate()
    except ValueError:
        g.take_out(o)
        g.put(o, was, before)
        return None


def _restart(shop: Shop, seqs: list[list[int]], rng: random.Random) -> _Graph:
    """The best schedule with a few random critical moves."""
    g = _Graph(shop, seqs)
    cmax = g.evaluate()
    for _ in range(rng.randint(2, 6)):
        blocks = g.critical_blocks(cmax, rng)
        cands = neighbourhood(g, blocks)
        shifts = _reassignments(g, blocks) if shop.flexible else []
        if not cands and not shifts:
            break
        k = rng.randrange(len(cands) + len(shifts))
        if k < len(cands):
            value = _reorder(g, cands[k][0], cands[k][1])
        else:
            _, o, m, after = shifts[k - len(cands)]
            value = _shift(g, o, m, after)
        if value is not None:
            cmax = value
    return g
