"""The solver's contract: frozen dataclasses in integer minutes from the horizon start (0).

The Django adapter builds a `Problem` from the database and reads back a `Solution`; nothing
here knows about the database. Times are half-open: `[start, end)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

COMPONENTS: tuple[str, ...] = (
    "weighted_tardiness",
    "makespan",
    "setup_time",
    "overtime_cost",
    "deviation",
)


@dataclass(frozen=True, slots=True)
class Window:
    """A working window `[start, end)`."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class OvertimeWindow:
    """A window in which a machine may also work, at `cost_per_hour` per hour worked in it.

    The cost of a window is `ceil(cost_per_hour * minutes / 60)`, where `minutes` counts the
    setup minutes and non-pausable processing minutes that fall inside it. Pausable processing
    pauses through overtime windows (it runs in regular working time only).
    """

    start: int
    end: int
    cost_per_hour: int


@dataclass(frozen=True, slots=True)
class Machine:
    """A resource. `available=None` means always available over the horizon.

    `changeover` lists `(from_family, to_family, minutes)` sequence-dependent setups; missing
    pairs (including same family) mean 0.
    """

    id: str
    name: str
    available: tuple[Window, ...] | None = None
    overtime: tuple[OvertimeWindow, ...] = ()
    changeover: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Mode:
    """Running an operation on `machine_id`: `setup` minutes of routing setup, then `duration`."""

    machine_id: str
    duration: int
    setup: int = 0


@dataclass(frozen=True, slots=True)
class Operation:
    """One routing step. Lags bound `next.start - this.end` for the next operation of the job."""

    id: str
    name: str
    modes: tuple[Mode, ...]
    can_pause: bool = False
    min_lag_next: int = 0
    max_lag_next: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """An order: operations in routing order (a chain)."""

    id: str
    name: str
    operations: tuple[Operation, ...]
    release: int = 0
    due: int | None = None
    weight: int = 1
    priority: int = 0
    family: str = ""


@dataclass(frozen=True, slots=True)
class Fixed:
    """An operation already started or finished: kept exactly (processing `[start, end)`)."""

    operation_id: str
    machine_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Previous:
    """Where the previously published plan had an operation (processing start)."""

    operation_id: str
    machine_id: str
    start: int


ObjectiveMode = Literal["weighted", "lexicographic"]


@dataclass(frozen=True, slots=True)
class Objective:
    """What to minimise.

    `weighted`: the sum of `weight * component`. `lexicographic`: the components named in
    `order`, one stage at a time, each stage keeping the earlier optima. `deviation` is the sum
    of |start shift| in minutes plus `machine_change_penalty` per operation moved to another
    machine, over operations that have a `Previous` entry.
    """

    weighted_tardiness: int = 10
    makespan: int = 1
    setup_time: int = 1
    overtime_cost: int = 1
    deviation: int = 1
    mode: ObjectiveMode = "weighted"
    order: tuple[str, ...] = ("weighted_tardiness", "overtime_cost", "setup_time", "makespan")
    machine_change_penalty: int = 60

    def weight(self, component: str) -> int:
        value: int = getattr(self, component)
        return value

    def weights(self) -> dict[str, int]:
        return {name: self.weight(name) for name in COMPONENTS}


@dataclass(frozen=True, slots=True)
class Problem:
    horizon: int
    machines: tuple[Machine, ...]
    jobs: tuple[Job, ...]
    fixed: tuple[Fixed, ...] = ()
    previous: tuple[Previous, ...] = ()
    objective: Objective = Objective()


@dataclass(frozen=True, slots=True)
class Assignment:
    """`setup_start..start` is setup (routing setup + changeover); `start..end` processing."""

    operation_id: str
    job_id: str
    machine_id: str
    start: int
    end: int
    setup_start: int
    setup: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """A contradiction found before solving, in words a planner understands."""

    code: str
    message: str
    job_id: str | None = None
    operation_id: str | None = None
    machine_id: str | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    """Something a solution gets wrong, found by `verify()`."""

    code: str
    message: str
    operation_id: str | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    objective: int
    bound: int
    gap: float | None
    elapsed_s: float


SolutionStatus = Literal["optimal", "feasible", "infeasible", "unknown", "invalid"]


@dataclass(frozen=True, slots=True)
class Solution:
    status: SolutionStatus
    assignments: tuple[Assignment, ...]
    objective: int | None
    bound: int | None
    gap: float | None
    components: Mapping[str, int] = field(default_factory=dict)
    time_to_first_s: float | None = None
    time_to_best_s: float | None = None
    elapsed_s: float = 0.0
    first_source: str = ""
    conflicts: tuple[Conflict, ...] = ()
