"""Working time of machines, from shift patterns in plant-local time to UTC intervals.

Shifts are wall-clock times in the plant's time zone, so a 22:00–06:00 night shift lasts nine
hours on the night clocks go back and seven on the night they go forward. Everything leaving
this module is aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from plant.models import CalendarException, Machine, OvertimeOffer, Plant, Shift, ShiftPattern

UTC = dt.UTC
Span = tuple[dt.datetime, dt.datetime]


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping union of the spans (touching spans join)."""
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(spans: Sequence[Span], holes: Iterable[Span]) -> list[Span]:
    """The parts of `spans` not covered by any hole. Both may be unsorted."""
    result = merge(spans)
    for hole_start, hole_end in merge(holes):
        next_result: list[Span] = []
        for start, end in result:
            if hole_end <= start or hole_start >= end:
                next_result.append((start, end))
                continue
            if start < hole_start:
                next_result.append((start, hole_start))
            if hole_end < end:
                next_result.append((hole_end, end))
        result = next_result
    return result


def clip(spans: Iterable[Span], start: dt.datetime, end: dt.datetime) -> list[Span]:
    return [(max(s, start), min(e, end)) for s, e in spans if e > start and s < end]


def local_to_utc(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A wall-clock time in `tz` as UTC. In the hour clocks go back, the first one counts."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def shift_spans(
    shifts: Iterable[Shift], tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[Span]:
    """UTC spans of a weekly pattern's shifts between `start` and `end` (aware datetimes)."""
    by_weekday: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_weekday[shift.weekday].append(shift)
    # A shift that started yesterday evening may run into the window, hence the day before.
    day = start.astimezone(tz).date() - dt.timedelta(days=1)
    last_day = end.astimezone(tz).date()
    spans: list[Span] = []
    while day <= last_day:
        for shift in by_weekday.get(day.weekday(), ()):
            local_start, local_end = shift.local_bounds(day)
            spans.append((local_to_utc(local_start, tz), local_to_utc(local_end, tz)))
        day += dt.timedelta(days=1)
    return clip(merge(spans), start, end)


def working_spans(
    plant: Plant,
    machines: Sequence[Machine],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[int, list[Span]]:
    """Each machine's working time between `start` and `end`, by machine pk.

    Shifts of the machine's pattern (or the plant default), plus extra shifts, minus holidays
    and maintenance. Three queries whatever the number of machines.
    """
    tz = plant.tz
    patterns = {
        p.pk: p for p in ShiftPattern.objects.filter(plant=plant).prefetch_related("shifts")
    }
    default = next((p for p in patterns.values() if p.is_plant_default), None)
    exceptions = list(CalendarException.objects.filter(plant=plant, start__lt=end, end__gt=start))
    cached_pattern_spans: dict[int, list[Span]] = {}
    result: dict[int, list[Span]] = {}
    for machine in machines:
        pattern = patterns.get(machine.shift_pattern_id or -1, default)
        if pattern is None:
            base: list[Span] = []
        else:
            if pattern.pk not in cached_pattern_spans:
                cached_pattern_spans[pattern.pk] = shift_spans(pattern.shifts.all(), tz, start, end)
            base = cached_pattern_spans[pattern.pk]
        applies = [e for e in exceptions if e.machine_id in (None, machine.pk)]
        extra = [(e.start, e.end) for e in applies if e.is_working]
        closed = [(e.start, e.end) for e in applies if not e.is_working]
        result[machine.pk] = clip(subtract(merge([*base, *extra]), closed), start, end)
    return result


def overtime_spans(
    plant: Plant, start: dt.datetime, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime, float]]]:
    """Overtime offers by machine pk: (start, end, cost per hour), clipped to the window."""
    offers: dict[int, list[tuple[dt.datetime, dt.datetime, float]]] = defaultdict(list)
    for offer in OvertimeOffer.objects.filter(plant=plant, start__lt=end, end__gt=start):
        offers[offer.machine_id].append(
            (max(offer.start, start), min(offer.end, end), float(offer.cost_per_hour))
        )
    return dict(offers)


def hours(spans: Iterable[Span]) -> float:
    return sum((e - s).total_seconds() for s, e in spans) / 3600
