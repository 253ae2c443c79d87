"""A run's settings and scenario: validated shapes for the JSON stored on ScheduleRun."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.conf import settings

from plant.errors import RuleViolation
from scheduling.solver import COMPONENTS, Objective

PRIORITY_WEIGHT = {1: 1, 2: 2, 3: 4, 4: 8}
MAX_WEIGHT = 10_000


@dataclass(frozen=True)
class RunSettings:
    mode: str = "weighted"  # or "lexicographic"
    weights: dict[str, int] = field(
        default_factory=lambda: {
            "weighted_tardiness": 10,
            "makespan": 0,
            "setup_time": 1,
            "overtime_cost": 1,
            "deviation": 0,
        }
    )
    order: tuple[str, ...] = ("weighted_tardiness", "overtime_cost", "setup_time")
    time_limit_s: int = 30
    workers: int = 2
    seed: int = 0

    @staticmethod
    def max_time_limit_s() -> int:
        """The longest solve the workers allow (SOLVER_MAX_TIME_LIMIT_S): the one place it is
        read; the run form's maximum and the check below ask here."""
        return int(settings.SOLVER_MAX_TIME_LIMIT_S)

    @classmethod
    def stored(cls, raw: dict[str, Any] | None) -> RunSettings:
        """A run's stored settings, as the worker solves them: a time limit above today's
        maximum (it was lowered after the run was queued) is cut down to it."""
        raw = dict(raw or {})
        if "time_limit_s" in raw:
            with suppress(TypeError, ValueError):  # parse names a malformed field
                raw["time_limit_s"] = min(int(raw["time_limit_s"]), cls.max_time_limit_s())
        return cls.parse(raw)

    def keeping_close(self) -> RunSettings:
        """The same settings with a deviation weight of at least 1: a re-solve (a pin, a
        reschedule from the floor) stays close to the plan it starts from."""
        weights = {**self.weights, "deviation": max(1, self.weights.get("deviation", 0))}
        return replace(self, weights=weights)

    @classmethod
    def parse(cls, raw: dict[str, Any] | None) -> RunSettings:
        """Settings as a client or a form gives them; RuleViolation names a wrong field."""
        raw = dict(raw or {})
        base = cls()
        mode = raw.get("mode", base.mode)
        if mode not in ("weighted", "lexicographic"):
            raise RuleViolation(
                "The objective mode must be 'weighted' or 'lexicographic'.",
                detail={"mode": [str(mode)]},
            )
        weights = {**base.weights, **{k: v for k, v in (raw.get("weights") or {}).items()}}
        unknown = set(weights) - set(COMPONENTS)
        if unknown:
            raise RuleViolation(
                f"Unknown objective part: {', '.join(sorted(unknown))}.",
                detail={"weights": sorted(unknown)},
            )
        try:
            weights = {k: int(v) for k, v in weights.items()}
        except (TypeError, ValueError):
            raise RuleViolation(
                "Objective weights must be whole numbers.", detail={"weights": ["Not a number."]}
            ) from None
        if any(v < 0 for v in weights.values()) or not any(weights.values()):
            raise RuleViolation(
                "Weights must be zero or more, and at least one above zero.",
                detail={"weights": ["Invalid."]},
            )
        if any(v > MAX_WEIGHT for v in weights.values()):
            raise RuleViolation(
                f"Weights may be at most {MAX_WEIGHT:,}: the objective is a sum of whole "
                "numbers the solver must hold.",
                detail={"weights": ["Too large."]},
            )
        order = tuple(raw.get("order") or base.order)
        if mode == "lexicographic" and (
            not order or set(order) - set(COMPONENTS) or len(set(order)) != len(order)
        ):
            raise RuleViolation(
                "The lexicographic order must list distinct objective parts.",
                detail={"order": list(order)},
            )
        try:
            time_limit = int(raw.get("time_limit_s", base.time_limit_s))
            workers = int(raw.get("workers", base.workers))
            seed = int(raw.get("seed", base.seed))
        except (TypeError, ValueError, OverflowError):
            raise RuleViolation("Time limit, workers and seed must be whole numbers.") from None
        if not 0 <= seed < 2**31:
            raise RuleViolation(
                "The seed must be a whole number from 0 to 2,147,483,647.",
                detail={"seed": [str(seed)]},
            )
        if not 1 <= time_limit <= cls.max_time_limit_s():
            raise RuleViolation(
                f"The time limit must be between 1 and {cls.max_time_limit_s()} seconds.",
                detail={"time_limit_s": [str(time_limit)]},
            )
        if not 1 <= workers <= 32:
            raise RuleViolation(
                "Workers must be between 1 and 32.", detail={"workers": [str(workers)]}
            )
        return cls(
            mode=mode,
            weights=weights,
            order=order,
            time_limit_s=time_limit,
            workers=workers,
            seed=seed,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["order"] = list(self.order)
        return data

    def objective(self) -> Objective:
        return Objective(mode=self.mode, order=self.order, **self.weights)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ExtraShift:
    work_centres: tuple[str, ...]
    day: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class AddedMachine:
    copy_of: str
    code: str


@dataclass(frozen=True)
class Pin:
    order_ref: str
    sequence: int
    machine: str
    start: dt.datetime


@dataclass(frozen=True)
class Scenario:
    """What-if changes to the plant for this run only; the master data is never touched."""

    overtime_allowed: bool = True
    extra_shifts: tuple[ExtraShift, ...] = ()
    add_machines: tuple[AddedMachine, ...] = ()
    remove_machines: tuple[str, ...] = ()
    frozen_until: dt.datetime | None = None
    pins: tuple[Pin, ...] = ()
    # A reschedule from the shop floor's actuals (scheduling.planning.adapters: started operations
    # fixed, completed ones dropped, down machines unavailable until their expected return).
    from_shop_floor: bool = False

    @classmethod
    def parse(cls, raw: dict[str, Any] | None) -> Scenario:
        raw = dict(raw or {})
        try:
            extra = tuple(
                ExtraShift(
                    work_centres=tuple(s["work_centres"]),
                    day=dt.date.fromisoformat(s["day"]),
                    start=dt.time.fromisoformat(s["start"]),
                    end=dt.time.fromisoformat(s["end"]),
                )
                for s in raw.get("extra_shifts", [])
            )
            added = tuple(
                AddedMachine(copy_of=m["copy_of"], code=m["code"])
                for m in raw.get("add_machines", [])
            )
            pins = tuple(
                Pin(
                    order_ref=p["order_ref"],
                    sequence=int(p["sequence"]),
                    machine=p["machine"],
                    start=dt.datetime.fromisoformat(p["start"]),
                )
                for p in raw.get("pins", [])
            )
            frozen = raw.get("frozen_until")
            frozen_until = dt.datetime.fromisoformat(frozen) if frozen else None
        except (KeyError, TypeError, ValueError) as error:
            raise RuleViolation(
                f"The scenario is malformed: {error}.", detail={"scenario": [str(error)]}
            ) from None
        for shift in extra:
            if shift.end <= shift.start:
                raise RuleViolation(
                    f"The extra shift on {shift.day} ends before it starts.",
                    detail={"extra_shifts": [str(shift.day)]},
                )
        codes = [m.code for m in added]
        if len(set(codes)) != len(codes):
            raise RuleViolation(
                "Each added machine needs its own code.", detail={"add_machines": codes}
            )
        return cls(
            overtime_allowed=bool(raw.get("overtime_allowed", True)),
            extra_shifts=extra,
            add_machines=added,
            remove_machines=tuple(raw.get("remove_machines", [])),
            frozen_until=frozen_until,
            pins=pins,
            from_shop_floor=bool(raw.get("from_shop_floor", False)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "overtime_allowed": self.overtime_allowed,
            "extra_shifts": [
                {
                    "work_centres": list(s.work_centres),
                    "day": s.day.isoformat(),
                    "start": s.start.strftime("%H:%M"),
                    "end": s.end.strftime("%H:%M"),
                }
                for s in self.extra_shifts
            ],
            "add_machines": [{"copy_of": m.copy_of, "code": m.code} for m in self.add_machines],
            "remove_machines": list(self.remove_machines),
            "frozen_until": self.frozen_until.isoformat() if self.frozen_until else None,
            "pins": [
                {
                    "order_ref": p.order_ref,
                    "sequence": p.sequence,
                    "machine": p.machine,
                    "start": p.start.isoformat(),
                }
                for p in self.pins
            ],
            "from_shop_floor": self.from_shop_floor,
        }
