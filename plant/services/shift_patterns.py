"""Shift patterns, written whole with their shifts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from plant.errors import RuleViolation
from plant.models import Plant, Shift, ShiftPattern
from plant.services.records import save_record


@dataclass(frozen=True)
class ShiftSpec:
    weekday: int
    start_time: dt.time
    end_time: dt.time
    name: str = "Shift"
    crosses_midnight: bool = False


def save_shift_pattern(
    *,
    plant: Plant,
    name: str,
    shifts: list[ShiftSpec],
    is_plant_default: bool = False,
    pattern: ShiftPattern | None = None,
) -> ShiftPattern:
    """Create a shift pattern, or replace one's name, default flag and every shift.

    All or nothing: a broken shift (RuleViolation, detail keyed 'shift <n>', counting from 1)
    leaves the pattern as it was.
    """
    with transaction.atomic():
        pattern = pattern or ShiftPattern(plant=plant)
        pattern.name = name
        pattern.is_plant_default = is_plant_default
        save_record(record=pattern)
        pattern.shifts.all().delete()
        for number, spec in enumerate(shifts, start=1):
            shift = Shift(
                pattern=pattern,
                name=spec.name,
                weekday=spec.weekday,
                start_time=spec.start_time,
                end_time=spec.end_time,
                crosses_midnight=spec.crosses_midnight,
            )
            try:
                save_record(record=shift)
            except RuleViolation as error:
                raise RuleViolation(
                    f"Shift {number}: {error.message}", detail={f"shift {number}": error.detail}
                ) from None
        return pattern
