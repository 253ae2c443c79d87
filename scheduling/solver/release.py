"""Overtime release: withdraw used overtime windows one at a time and decode the plan again.

A construction that places work in overtime (`<rule>+ot`) is the best start on loaded plants,
and often also on lightly loaded ones, where the overtime buys little: a few hours earlier on
a Saturday for work that is not late. Large neighbourhood search rarely gives such a window
back: an operation leaving Saturday morning for Monday must push its order's later steps and
the work queued behind it, which are frozen in time outside the neighbourhood.

Decoding the machine sequences again (`decode.py`) does push them: with one used window
withdrawn, the work that used it moves to regular time and everything downstream ripples
later as far as it must. The withdrawal is kept when the whole objective (tardiness, makespan,
overtime, changeovers) improves. Withdrawing windows one at a time misses the common case
where every window of a week must go together (the first pushes the plan's end past a weekend,
the others then cost nothing more), so groups are tried first: all used windows, then all
machines' pieces of one window in time, then single pieces, the most expensive first, within
a budget.
"""

from __future__ import annotations

import time

from .compiled import Compiled, Slot
from .decode import Decoder
from .incumbent import Key, objective_key
from .state import ScheduleState


def used_pieces(c: Compiled, slots: list[Slot]) -> list[set[int]]:
    """Per machine, the overtime pieces that some (non-fixed) work in `slots` uses."""
    used: list[set[int]] = [set() for _ in c.machines]
    for o, (m, s, t, e) in enumerate(slots):
        ot = c.machines[m].overtime
        if not ot or o in c.fixed:
            continue
        busy_end = t if c.ops[o].can_pause else e
        for k, (a, b, _) in enumerate(ot):
            if min(busy_end, b) > max(s, a):
                used[m].add(k)
    return used


class OvertimeRelease:
    """Greedy withdrawal of used overtime windows from a schedule, at most `share` of the time."""

    def __init__(self, c: Compiled, decoder: Decoder | None = None, share: float = 0.1) -> None:
        self.c = c
        self.decoder = decoder or Decoder(c)
        self.share = share
        self.next_at = 0.0
        self.failures = 0
        self.active = any(mi.overtime for mi in c.machines)

    def due(self) -> bool:
        return self.active and time.monotonic() >= self.next_at

    def run(self, state: ScheduleState, deadline: float) -> ScheduleState | None:
        """A better schedule with the same machine sequences and less overtime, if one is found.

        Stops at `deadline`; the time spent sets when the next run is due.
        """
        t0 = time.monotonic()
        released = self._release(state, deadline)
        # a pass that finds nothing halves the share until the next success (on a loaded
        # plant the overtime pays and each pass over thousands of operations costs seconds)
        self.failures = 0 if released is not None else self.failures + 1
        share = self.share / 2**self.failures
        spent = time.monotonic() - t0
        self.next_at = time.monotonic() + spent * (1 - share) / share
        return released

    def _release(self, state: ScheduleState, deadline: float) -> ScheduleState | None:
        c = self.c
        obj = c.problem.objective
        best_key: Key = objective_key(obj, state.components())
        best: list[Slot] | None = None
        allowed = used_pieces(c, state.slots)
        for group in self._groups(state, allowed):
            if time.monotonic() >= deadline:
                break
            if not any(k in allowed[m] for m, k in group):
                continue  # an earlier withdrawal already emptied it
            trial = [set(a) for a in allowed]
            for m, k in group:
                trial[m].discard(k)
            slots = self.decoder.decode(state.seq, [frozenset(a) for a in trial])
            if slots is None:
                continue
            key = objective_key(obj, c.components(slots))
            if key < best_key:
                best_key, best = key, slots
                allowed = used_pieces(c, slots)
        return ScheduleState(c, best) if best is not None else None

    def _groups(self, state: ScheduleState, used: list[set[int]]) -> list[list[tuple[int, int]]]:
        """Sets of pieces to withdraw together: all, each window in time, each piece alone.

        Within each kind the most expensive (as the schedule uses them now) come first.
        """
        mis = self.c.machines
        cost = {(m, k): state.piece_cost(m, k) for m, ks in enumerate(used) for k in ks}
        singles = sorted(cost, key=lambda mk: -cost[mk])
        by_time: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for m, k in singles:
            by_time.setdefault(mis[m].overtime[k][:2], []).append((m, k))
        windows = sorted(
            (g for g in by_time.values() if len(g) > 1),
            key=lambda g: -sum(cost[mk] for mk in g),
        )
        everything = [singles] if len(singles) > 1 else []
        return everything + windows + [[mk] for mk in singles]
