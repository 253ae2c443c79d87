"""Semi-active decoding: times for given machine sequences, every operation as early as it can.

A schedule is also a set of machine sequences. Decoding walks the precedence graph (each
operation after its order's previous step and its machine's previous operation), placing each
operation at its earliest feasible time on its machine's regular calendar with the changeover
from the family before it. A sequence change therefore ripples through everything downstream,
which a neighbourhood frozen in time cannot do.

Fixed operations stay where they are; a sequence that would need one moved does not decode.
Maximum lags are checked, not repaired: a decode that breaks one fails (returns None).

Overtime is used everywhere (`overtime=True`), nowhere, or only in the windows a decode is
given (`allowed`: per machine, the indexes of the overtime pieces it may use), which is how
the overtime release (`release.py`) withdraws one window at a time.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence

from .calendars import Calendar
from .compiled import Compiled, Slot
from .dispatch import place
from .incumbent import objective_key
from .state import ScheduleState


class Decoder:
    """Decodes sequences of one compiled problem (precomputed per-operation lookups)."""

    def __init__(self, c: Compiled, overtime: bool = False) -> None:
        self.c = c
        self.overtime = overtime
        n = len(c.ops)
        self.job_pred = [-1] * n
        self.job_succ = [-1] * n
        for chain in c.job_ops:
            for a, b in itertools.pairwise(chain):
                self.job_pred[b] = a
                self.job_succ[a] = b
        jobs = c.problem.jobs
        self.release = [jobs[op.job].release for op in c.ops]
        self.mode_of: list[dict[int, tuple[int, int]]] = [
            {m: (d, su) for m, d, su in op.modes} for op in c.ops
        ]
        self.has_max_lag = any(op.max_lag is not None for op in c.ops)
        self._calendars: dict[tuple[int, frozenset[int]], Calendar] = {}
        self._working: list[Calendar | None] = [None] * len(c.machines)

    def working(self, m: int, pieces: frozenset[int]) -> Calendar:
        """Machine m's regular time plus the overtime pieces in `pieces` (cached)."""
        cal = self._calendars.get((m, pieces))
        if cal is None:
            cal = self._calendars[(m, pieces)] = self.c.machines[m].working(pieces)
        return cal

    def decode(
        self, seqs: list[list[int]], allowed: Sequence[frozenset[int]] | None = None
    ) -> list[Slot] | None:
        """Slots for `seqs` (every operation in exactly one sequence); None when infeasible.

        With `allowed`, machine m's non-pausable work may use the overtime pieces
        `allowed[m]` and no others.
        """
        c = self.c
        self._working = (
            [None] * len(c.machines)
            if allowed is None
            else [self.working(m, frozenset(a)) for m, a in enumerate(allowed)]
        )
        n = len(c.ops)
        slots: list[Slot | None] = [None] * n
        mach_pred = [-1] * n
        mach_succ = [-1] * n
        machine_of = [-1] * n
        for m, seq in enumerate(seqs):
            prev = -1
            for o in seq:
                machine_of[o] = m
                mach_pred[o] = prev
                if prev >= 0:
                    mach_succ[prev] = o
                prev = o
        job_pred = self.job_pred
        waiting = [(job_pred[o] >= 0) + (mach_pred[o] >= 0) for o in range(n)]
        stack = [o for o in range(n) if waiting[o] == 0]
        done = 0
        while stack:
            o = stack.pop()
            slot = self._place(o, machine_of[o], mach_pred[o], slots)
            if slot is None:
                return None
            slots[o] = slot
            done += 1
            for nxt in (self.job_succ[o], mach_succ[o]):
                if nxt >= 0:
                    waiting[nxt] -= 1
                    if waiting[nxt] == 0:
                        stack.append(nxt)
        if done < n:
            return None  # the sequences and the routings form a cycle
        return slots  # type: ignore[return-value]

    def _place(self, o: int, m: int, mp: int, slots: list[Slot | None]) -> Slot | None:
        c = self.c
        op = c.ops[o]
        jp = self.job_pred[o]
        ready = self.release[o]
        if jp >= 0:
            prev_end = slots[jp][3]  # type: ignore[index]
            ready = max(ready, prev_end + c.ops[jp].min_lag)
        free = slots[mp][3] if mp >= 0 else 0  # type: ignore[index]
        fixed = c.fixed.get(o)
        if fixed is not None:
            return fixed if fixed[2] >= ready and fixed[1] >= free else None
        mode = self.mode_of[o].get(m)
        if mode is None or m < 0:
            return None
        fam = c.ops[mp].family if mp >= 0 else None
        working = self._working[m]
        p = place(c.machines[m], op, mode[0], mode[1], ready, free, fam, self.overtime, working)
        if p is None or p[2] > c.horizon:
            return None
        if jp >= 0 and self.has_max_lag:
            lag = c.ops[jp].max_lag
            if lag is not None and p[1] - slots[jp][3] > lag:  # type: ignore[index]
                return None
        return (m, p[0], p[1], p[2])


class Compactor:
    """Decodes the current machine sequences again, every operation as early as it can go.

    A neighbourhood frozen in time cannot let the work after it move up into the room it
    made; decoding the sequences does, over the whole plant. It costs a full pass, so it runs
    after an improvement and at most about a tenth of the time.
    """

    def __init__(self, c: Compiled) -> None:
        self.c = c
        self.decoder = Decoder(c)
        self.with_ot = Decoder(c, overtime=True) if any(m.overtime for m in c.machines) else None
        self.next_at = 0.0

    def due(self) -> bool:
        return time.monotonic() >= self.next_at

    def run(self, state: ScheduleState) -> ScheduleState | None:
        """The better decoding of `state`'s sequences (with or without overtime), if any."""
        t0 = time.monotonic()
        obj = self.c.problem.objective
        best: tuple[tuple[int, ...], list[Slot]] | None = None
        for decoder in (self.decoder, self.with_ot):
            slots = decoder.decode(state.seq) if decoder is not None else None
            if slots is not None:
                key = objective_key(obj, self.c.components(slots))
                if best is None or key < best[0]:
                    best = (key, slots)
        self.next_at = time.monotonic() + 9 * (time.monotonic() - t0)
        return ScheduleState(self.c, best[1]) if best is not None else None
