"""Local search on whole plants: machine sequences decoded on calendars.

The schedule is the order of the operations on each machine; the times follow by decoding
(`plantkernel/decode.py`: every operation as early as its order's previous step, its machine's
previous operation with the changeover between them, and its machine's working time allow).
A move takes an operation that its machine predecessor held back, on the chain of operations
that made a late order late (drawn by its weighted tardiness) or that ends the plan, and puts
it before that predecessor, or two places earlier, or at the front of the run of such
operations; or it moves the operation to another of its machines at the same time. Each move
is decoded again from the earliest time it changes (`redecode`), so its effect ripples through
everything after it: the later steps of the orders it delays, the queues behind it. The walk
takes the best of a few sampled moves when it is no worse than the schedule of a hundred steps
ago (late acceptance), keeps the operations a move passed from passing back for a few steps,
and goes back to its best after a while without a new one.

It runs beside LNS (`lns.py`) on plants that are more than a plain job shop, in its own thread
(the compiled loops release the interpreter); each takes up the other's better schedules.
Overtime: the walk may use the overtime pieces its starting schedule used, no others; the
overtime release in LNS gives pieces back.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .compiled import Compiled, Slot
from .incumbent import Incumbent
from .model import COMPONENTS
from .release import used_pieces
from .threads import beside

if TYPE_CHECKING:
    from .plantkernel.arrays import Plant, Sched

# candidate moves tried per step, tabu tenure (steps), late acceptance history (steps),
# steps without a new best before going back to it
MOST, TENURE, HISTORY, PATIENCE = 8, 10, 100, 300
# with `near`, each sampled move's place in the candidate list is the least of NEAR_DRAWS
# uniform draws (else of one). Back to back on congested plants (two walks, 30 s; plant-L
# 60 s), 3 seeds each, least of 2 -> 6: plant-L 2.20 / 2.18 / 2.16 M -> 1.96 / 1.97 / 2.00 M
# weighted tardiness, 4,000 operations 2.85 / 2.93 / 2.90 M -> 2.71 / 2.67 / 2.68 M, 2,819
# operations 1.98 / 2.42 / 2.17 M -> 2.10 / 2.16 / 2.17 M. 10 draws was level with 6 on plant-L.
# On smaller plants any bias lost (800 operations: 186 k / 176 k uniform, 280 k / 258 k with 6).
NEAR_DRAWS = 6
# how often the walk reports a new best and looks at the incumbent (seconds)
EXCHANGE_S = 0.5
# what the walk's schedules are offered to the incumbent as; the second walk of a congested
# plant (engine.py) offers its own as SECOND_SOURCE
SOURCE, SECOND_SOURCE = "walk", "walk:2"


def plant_arrays(c: Compiled, allowed: Sequence[set[int]] | None = None) -> Plant:
    """`c` as `plantkernel.arrays.Plant` arrays; non-pausable work may use the overtime pieces
    `allowed[m]` of machine m (None: none)."""
    from .plantkernel import arrays as K

    n = len(c.ops)
    op = np.full((K.OP_ROWS, n + 1), -1, np.int64)
    op[K.FIXED] = 0
    for chain in c.job_ops:
        for a, b in itertools.pairwise(chain):
            op[K.JN, a], op[K.JP, b] = b, a
    ptr = 0
    flat: list[tuple[int, int, int]] = []
    for o, info in enumerate(c.ops):
        op[K.REL, o] = c.problem.jobs[info.job].release
        op[K.LAG, o] = info.min_lag
        op[K.MAXLAG, o] = -1 if info.max_lag is None else info.max_lag
        op[K.FAM, o] = info.family
        op[K.PAUSE, o] = int(info.can_pause)
        op[K.MODE_PTR, o] = ptr
        flat.extend(info.modes)
        ptr += len(info.modes)
        fixed = c.fixed.get(o)
        if fixed is not None:
            op[K.FIXED, o] = 1
            op[K.FM, o], op[K.FS, o], op[K.FT, o], op[K.FE, o] = fixed
        prev = c.previous.get(o)
        if prev is not None:
            op[K.PM, o], op[K.PS, o] = prev
    op[K.MODE_PTR, n] = ptr
    modes = np.array(flat, np.int64).reshape(-1, 3).T.copy()

    cal_ptr, starts, ends, cum = [0], [], [], []
    ot_ptr, ot = [0], []
    for m, mi in enumerate(c.machines):
        work = mi.working(allowed[m]) if allowed else mi.regular
        for cal in (work, mi.regular):
            starts.extend(cal.starts)
            ends.extend(cal.ends)
            cum.extend(cal.cum)
            cal_ptr.append(len(starts))
        ot.extend(mi.overtime)
        ot_ptr.append(len(ot))
    families = max(len(c.families), 1)
    co = np.zeros((len(c.machines), families, families), np.int64)
    for m, mi in enumerate(c.machines):
        for (a, b), minutes in mi.changeover.items():
            co[m, a, b] = minutes
    jobs = c.problem.jobs
    job = np.array(
        [
            [-1 if j.due is None else j.due for j in jobs],
            [j.weight for j in jobs],
            [chain[-1] if chain else -1 for chain in c.job_ops],
        ],
        np.int64,
    ).reshape(3, len(jobs))
    obj = c.problem.objective
    w = [obj.weight(k) for k in COMPONENTS] + [obj.machine_change_penalty, c.horizon]
    return K.Plant(
        op=op,
        modes=modes,
        cal_ptr=np.array(cal_ptr, np.int64),
        starts=np.array(starts, np.int64),
        ends=np.array(ends, np.int64),
        cum=np.array(cum, np.int64),
        machine=np.array([[int(mi.always) for mi in c.machines] + [0], ot_ptr], np.int64).reshape(
            2, -1
        ),
        co=co,
        ot=np.array(ot, np.int64).reshape(-1, 3).T.copy(),
        job=job,
        w=np.array(w, np.int64),
    )


def sched_arrays(c: Compiled, seqs: Sequence[Sequence[int]]) -> Sched:
    """The arrays of a schedule with the machine order `seqs` (not yet decoded)."""
    from .plantkernel import arrays as K

    n = len(c.ops)
    pieces = sum(len(mi.overtime) for mi in c.machines)
    sc = K.Sched(
        op=np.zeros((K.SCHED_ROWS, n), np.int64),
        seq=np.full((len(c.machines), max(1, n)), -1, np.int64),
        slen=np.zeros(len(c.machines), np.int64),
        minutes=np.zeros(pieces, np.int64),
        meta=np.zeros(2, np.int64),
        parts=np.zeros(len(COMPONENTS), np.int64),
        base=np.zeros(len(COMPONENTS), np.int64),
        dmin=np.zeros(pieces, np.int64),
        touched=np.zeros(pieces, np.int64),
        listed=np.zeros(pieces, np.int64),
    )
    for m, seq in enumerate(seqs):
        sc.seq[m, : len(seq)] = seq
        sc.slen[m] = len(seq)
    return sc


def slots_of(sc: Sched) -> list[Slot]:
    """Slots from decoded times."""
    from .plantkernel import arrays as K

    return [
        (int(m), int(s), int(t), int(e))
        for m, s, t, e in zip(sc.op[K.MACH], sc.op[K.S], sc.op[K.T], sc.op[K.E], strict=True)
    ]


class Walker:
    """The compiled walk over one plant, from a schedule."""

    def __init__(self, c: Compiled, slots: list[Slot], seed: int, near: bool = False) -> None:
        """Seeds the generator of the calling thread, which must be the one that runs it.
        `near`: sample the moves nearer the late order more often (`plantkernel.walk.iterate`)."""
        from .plantkernel import walk as kernel

        self.c = c
        self.draws = NEAR_DRAWS if near else 1
        self.k = kernel
        kernel.seed_random(seed)
        self.value = -1
        self.load(slots)

    def load(self, slots: list[Slot]) -> int:
        """Start from `slots` (their sequences, decoded); returns the objective or -1 when
        their sequences do not decode (a maximum lag only a later start could keep)."""
        self.pl = plant_arrays(self.c, used_pieces(self.c, slots))
        self.sc = sched_arrays(self.c, self.c.sequences(slots))
        self.wk = self.k.new_walk(self.pl, self.sc, HISTORY)
        self.value = self.k.begin(self.pl, self.sc, self.wk)
        return self.value

    @property
    def best(self) -> int:
        return int(self.wk.sc[self.k.BEST])

    def run(self, iterations: int) -> None:
        if self.value >= 0:
            self.k.iterate(
                self.pl, self.sc, self.wk, iterations, TENURE, PATIENCE, MOST, self.draws
            )

    def best_slots(self) -> tuple[list[Slot], dict[str, int]]:
        """The best schedule's slots and objective components (decoded in a copy: the walk
        goes on from its own)."""
        from .plantkernel.arrays import Sched
        from .plantkernel.decode import decode, link
        from .plantkernel.objective import components

        sc = Sched(*(a.copy() for a in self.sc))
        sc.seq[:, :], sc.slen[:] = self.wk.best_seq, self.wk.best_slen
        link(sc)
        decode(self.pl, sc)
        return slots_of(sc), dict(zip(COMPONENTS, components(self.pl, sc).tolist(), strict=True))


def walk_beside(
    c: Compiled,
    inc: Incumbent,
    *,
    deadline: float,
    seed: int,
    stop: Callable[[], bool],
    other: Callable[[Callable[[], bool]], None],
    ignore: tuple[str, ...] = (),
    near: bool = False,
) -> None:
    """The walk in a thread beside `other(stop)` (LNS or a second walk), both from and into
    `inc`; the walk does not take up schedules offered as one of `ignore` (`near`: as
    `walk`)."""
    assert inc.slots is not None
    done = threading.Event()

    def search() -> None:
        walk(
            c,
            inc,
            deadline=deadline,
            seed=seed,
            stop=lambda: stop() or done.is_set(),
            ignore=ignore,
            near=near,
        )

    def main(failed: Callable[[], bool]) -> None:
        try:
            other(lambda: stop() or failed())
        finally:
            done.set()

    beside("takt-walk", [search], main)


def _offer(walker: Walker, inc: Incumbent, source: str) -> None:
    slots, comps = walker.best_slots()
    inc.offer(slots, source, comps)


def _run_slice(walker: Walker, chunk: int, until: float, stop: Callable[[], bool]) -> int:
    """Walk in slices of about 20 ms (so the stop signal is seen at once) until `until`;
    returns the step count of the next slice."""
    while not stop() and time.monotonic() < until:
        started = time.perf_counter()
        walker.run(chunk)
        spent = time.perf_counter() - started
        chunk = max(1, min(4 * chunk, int(chunk * 0.02 / max(spent, 1e-6))))
    return chunk


def walk(
    c: Compiled,
    inc: Incumbent,
    *,
    deadline: float,
    seed: int,
    stop: Callable[[], bool],
    source: str = SOURCE,
    ignore: tuple[str, ...] = (),
    idle_s: float | None = None,
    near: bool = False,
) -> None:
    """Walk from the incumbent until the deadline, offering it the walk's best schedules as
    `source` and taking up better ones others offered but as one of `ignore` (every
    `EXCHANGE_S` at most); with `idle_s`, stop sooner when that long has gone by without a
    better schedule (its own or one taken up). With `near`, the moves nearer the late order
    are sampled more often (`plantkernel.walk.iterate`)."""
    with inc.lock:
        slots = list(inc.slots or [])
        key = inc.key
    walker = Walker(c, slots, seed, near)
    if walker.value < 0:
        return
    offered = walker.best
    chunk = 4
    next_exchange = time.monotonic() + EXCHANGE_S
    moved = time.monotonic()  # when the walk last had a better schedule, its own or taken up
    while not stop() and time.monotonic() < deadline:
        chunk = _run_slice(walker, chunk, min(deadline, next_exchange), stop)
        now = time.monotonic()
        if now < next_exchange:
            continue
        if walker.best < offered:
            offered = walker.best
            moved = now
            _offer(walker, inc, source)
        elif idle_s is not None and now - moved > idle_s:
            return
        with inc.lock:
            theirs = inc.key if inc.source != source and inc.source not in ignore else None
            slots = list(inc.slots or []) if theirs is not None else []
        if theirs is not None and theirs != key and theirs[0] < walker.best:
            key = theirs
            if walker.load(slots) < 0:
                return
            offered = walker.best
            moved = now
        # the exchange runs Python beside LNS's: at most a tenth of the walk's time
        next_exchange = time.monotonic() + max(EXCHANGE_S, 9 * (time.monotonic() - now))
    if walker.best < offered:
        _offer(walker, inc, source)
