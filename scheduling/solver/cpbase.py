"""Shared pieces of the CP model: per-operation variables and the model's common state."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .compiled import Compiled, Slot
from .state import ScheduleState

LinExpr = cp_model.LinearExpr | int


@dataclass(slots=True)
class ModeVars:
    machine: int
    duration: int
    setup: int
    lit: cp_model.IntVar | int  # 1 when the operation has a single mode
    co: LinExpr = 0


@dataclass(slots=True)
class OpVars:
    S: cp_model.IntVar
    T: cp_model.IntVar
    E: cp_model.IntVar
    modes: list[ModeVars] = field(default_factory=list)


def dom(var: cp_model.IntVar) -> tuple[int, int]:
    """(min, max) of a variable's declared domain."""
    d = list(var.proto.domain)
    return int(d[0]), int(d[-1])


def lit_is_true(lit: cp_model.IntVar | int) -> bool:
    return isinstance(lit, int) and lit == 1


class ModelBase:
    """What every part of the model shares; `SubModel` fills it in."""

    c: Compiled
    state: ScheduleState | None
    incumbent: list[Slot] | None
    free_set: set[int]
    retimed: frozenset[int]
    model: cp_model.CpModel
    hi: int
    vars: dict[int, OpVars]
    _pieces: list[tuple[int, int, cp_model.IntVar, int, int]]
    _arcs: list[tuple[int, int, int, cp_model.IntVar]]
    _ot_vars: list[tuple[int, int, cp_model.IntVar, cp_model.IntVar]]

    def _fz(self, o: int) -> Slot:
        """Where a frozen operation is."""
        slot = self.c.fixed.get(o)
        if slot is not None:
            return slot
        assert self.incumbent is not None
        return self.incumbent[o]

    def _frozen_items(self) -> list[tuple[int, Slot]]:
        if self.incumbent is None:
            return list(self.c.fixed.items())
        free = self.free_set
        return [(o, slot) for o, slot in enumerate(self.incumbent) if o not in free]
