"""The best schedule so far, its figures and timings, and the progress reports."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from .compiled import Compiled, Slot
from .model import Objective, Progress

Key = tuple[int, ...]


def objective_key(objective: Objective, comps: dict[str, int], stage: int | None = None) -> Key:
    """Smaller is better: `(weighted sum,)` or the lexicographic tuple."""
    if objective.mode == "lexicographic":
        order = objective.order if stage is None else objective.order[: stage + 1]
        return tuple(comps[name] for name in order)
    return (sum(objective.weight(k) * v for k, v in comps.items()),)


class Incumbent:
    """Keeps the best schedule and reports every improvement."""

    def __init__(
        self,
        c: Compiled,
        started: float,
        on_progress: Callable[[Progress], None] | None,
        on_improvement: Callable[[float, Mapping[str, int]], None] | None = None,
    ) -> None:
        self.on_improvement = on_improvement
        self.c = c
        self.started = started
        self.on_progress = on_progress
        self.slots: list[Slot] | None = None
        self.comps: dict[str, int] = {}
        self.key: Key | None = None
        self.source = ""
        self.first_source = ""
        self.time_to_first: float | None = None
        self.time_to_best: float | None = None
        self.bound: int | None = None
        self.history: list[tuple[float, int]] = []
        # the tabu search offers from its own thread, beside CP-SAT's callbacks
        self.lock = threading.RLock()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def objective(self) -> int | None:
        return None if self.key is None else self.key[0]

    def offer(self, slots: list[Slot], source: str, comps: dict[str, int] | None = None) -> bool:
        """Keep `slots` if strictly better; True when kept."""
        comps = comps if comps is not None else self.c.components(slots)
        key = objective_key(self.c.problem.objective, comps)
        with self.lock:
            return self._keep(slots, source, comps, key)

    def _keep(self, slots: list[Slot], source: str, comps: dict[str, int], key: Key) -> bool:
        if self.key is not None and key >= self.key:
            return False
        now = self.elapsed()
        self.slots = list(slots)
        self.comps = comps
        self.key = key
        self.source = source
        if self.time_to_first is None:
            self.time_to_first = now
            self.first_source = source
        self.time_to_best = now
        self.history.append((now, key[0]))
        if self.on_improvement is not None:
            self.on_improvement(now, comps)
        self.report()
        return True

    def set_bound(self, bound: int) -> None:
        with self.lock:
            if self.bound is None or bound > self.bound:
                self.bound = bound
                self.report()

    def reached_bound(self) -> bool:
        """The best schedule meets the lower bound: it is optimal."""
        return self.key is not None and self.bound is not None and self.key[0] <= self.bound

    def gap(self) -> float | None:
        if self.key is None or self.bound is None:
            return None
        obj = self.key[0]
        if obj == 0:
            return 0.0 if self.bound >= 0 else None
        return max(0.0, (obj - self.bound) / abs(obj))

    def report(self) -> None:
        if self.on_progress is None or self.key is None:
            return
        bound = self.bound if self.bound is not None else 0
        self.on_progress(
            Progress(objective=self.key[0], bound=bound, gap=self.gap(), elapsed_s=self.elapsed())
        )
