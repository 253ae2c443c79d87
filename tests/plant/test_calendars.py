"""Working time from shift patterns, in plant-local time, through daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plant.calendars import hours, merge, shift_spans, subtract, working_spans
from plant.services.calendars import save_calendar_exception
from tests.factories.plant import MachineFactory, ShiftFactory, ShiftPatternFactory

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_merge_joins_touching_and_overlapping_spans() -> None:
    spans = [
        (utc(2026, 1, 1, 8), utc(2026, 1, 1, 10)),
        (utc(2026, 1, 1, 10), utc(2026, 1, 1, 12)),
        (utc(2026, 1, 1, 11), utc(2026, 1, 1, 13)),
    ]
    assert merge(spans) == [(utc(2026, 1, 1, 8), utc(2026, 1, 1, 13))]


def test_subtract_cuts_a_hole_out_of_the_middle() -> None:
    result = subtract(
        [(utc(2026, 1, 1, 6), utc(2026, 1, 1, 14))], [(utc(2026, 1, 1, 9), utc(2026, 1, 1, 10))]
    )
    assert result == [
        (utc(2026, 1, 1, 6), utc(2026, 1, 1, 9)),
        (utc(2026, 1, 1, 10), utc(2026, 1, 1, 14)),
    ]


@pytest.mark.django_db
def test_a_day_shift_stays_at_local_six_across_the_spring_change() -> None:
    # Clocks in Berlin go forward on Sunday 29 March 2026; Friday 27th and Monday 30th.
    pattern = ShiftPatternFactory()
    for day in range(5):
        ShiftFactory(pattern=pattern, weekday=day, start_time=dt.time(6), end_time=dt.time(14))
    spans = shift_spans(pattern.shifts.all(), BERLIN, utc(2026, 3, 27), utc(2026, 3, 31))
    assert spans[0] == (utc(2026, 3, 27, 5), utc(2026, 3, 27, 13))  # CET, UTC+1
    assert spans[1] == (utc(2026, 3, 30, 4), utc(2026, 3, 30, 12))  # CEST, UTC+2
    assert hours(spans) == 16


@pytest.mark.django_db
def test_a_night_shift_lasts_seven_hours_when_clocks_go_forward_and_nine_when_they_go_back() -> (
    None
):
    pattern = ShiftPatternFactory()
    ShiftFactory(
        pattern=pattern,
        weekday=5,
        start_time=dt.time(22),
        end_time=dt.time(6),
        crosses_midnight=True,
    )
    spring = shift_spans(pattern.shifts.all(), BERLIN, utc(2026, 3, 28), utc(2026, 3, 30))
    autumn = shift_spans(pattern.shifts.all(), BERLIN, utc(2026, 10, 24), utc(2026, 10, 26))
    assert hours(spring) == 7
    assert hours(autumn) == 9


@pytest.mark.django_db
def test_holidays_remove_and_extra_shifts_add_working_time(plant) -> None:
    pattern = ShiftPatternFactory(plant=plant)
    for day in range(5):
        ShiftFactory(pattern=pattern, weekday=day)
    machine = MachineFactory(work_centre__plant=plant)
    other = MachineFactory(work_centre=machine.work_centre)
    # Week of Monday 2 November 2026 (CET, UTC+1): 5 x 8 h.
    start, end = utc(2026, 11, 1, 23), utc(2026, 11, 8, 23)
    assert hours(working_spans(plant, [machine], start, end)[machine.pk]) == 40
    save_calendar_exception(
        plant=plant, kind="holiday", start=utc(2026, 11, 3, 23), end=utc(2026, 11, 4, 23)
    )
    save_calendar_exception(
        plant=plant,
        kind="maintenance",
        machine=machine,
        start=utc(2026, 11, 2, 5),
        end=utc(2026, 11, 2, 7),
    )
    save_calendar_exception(
        plant=plant, kind="extra_shift", start=utc(2026, 11, 7, 5), end=utc(2026, 11, 7, 13)
    )
    spans = working_spans(plant, [machine, other], start, end)
    assert hours(spans[machine.pk]) == 40 - 8 - 2 + 8
    assert hours(spans[other.pk]) == 40 - 8 + 8
