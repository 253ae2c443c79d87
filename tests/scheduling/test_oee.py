"""OEE, adherence and the Pareto against a shift worked out by hand.

Monday 7 January 2030, Europe/Berlin, one shift 06:00–14:00 (480 min) on MIL-01:
* a planned 30-min break 09:00–09:30 → planned production time 450 min;
* a breakdown 10:00–11:00 and a no-material pause 10:30–11:15 overlap → 75 min unplanned;
* run time 450 − 75 = 375 min; availability 375 / 450 = 0.8333;
* 190 good + 10 scrap at 1.5 ideal min per unit = 300 min → performance 300 / 375 = 0.8;
* quality 190 / 200 = 0.95; OEE = 0.8333 × 0.8 × 0.95 = 0.6333.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scheduling.floor.oee import oee_report
from scheduling.models import Downtime, DowntimeReason, OperationExecution
from tests.factories.floor import build_floor
from tests.factories.plant import ShiftFactory, ShiftPatternFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2030, 1, 7, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


@pytest.fixture
def report(plant):
    floor = build_floor(plant)
    pattern = ShiftPatternFactory(plant=plant, name="Day")
    ShiftFactory(
        pattern=pattern, weekday=0, start_time=dt.time(6), end_time=dt.time(14), name="Early"
    )
    machine = floor.machines[0]
    reason = {r.code: r for r in DowntimeReason.objects.all()}
    execution = OperationExecution.objects.create(
        plant=plant,
        order=floor.order,
        operation=floor.steps[0],
        machine=machine,
        status="completed",
        actual_start=at(6),
        actual_end=at(13, 50),
        good_quantity=Decimal(190),
        scrap_quantity=Decimal(10),
    )
    for code, start, end, pause in (
        ("break", at(9), at(9, 30), False),
        ("breakdown", at(10), at(11), False),
        ("no-material", at(10, 30), at(11, 15), True),
    ):
        Downtime.objects.create(
            plant=plant,
            machine=machine,
            reason=reason[code],
            started_at=start,
            ended_at=end,
            execution=execution if pause else None,
        )
    return oee_report(plant, at(0), at(0) + dt.timedelta(days=1))


def test_oee_of_a_machine_matches_the_hand_computed_shift(report):
    figures = report["machines"]["MIL-01"]
    assert figures["planned_h"] == 7.5
    assert figures["downtime_h"] == 1.25
    assert figures["availability"] == pytest.approx(375 / 450)
    assert figures["performance"] == pytest.approx(0.8)
    assert figures["quality"] == pytest.approx(0.95)
    assert figures["oee"] == pytest.approx(0.6333, abs=1e-4)


def test_the_work_centre_adds_an_idle_machine_to_planned_time(report):
    # MIL-02 works the same shift and did nothing: 480 more planned minutes, no output.
    centre = report["work_centres"]["CNC"]
    assert centre["availability"] == pytest.approx((375 + 480) / (450 + 480))
    assert centre["performance"] == pytest.approx(300 / (375 + 480))


def test_day_and_shift_rows_carry_the_same_figures_for_a_one_shift_day(report):
    ((label, day),) = [(k, v) for k, v in report["days"] if v["planned_h"]]
    ((shift_label, shift),) = report["shifts"]
    assert "Early" in shift_label and "Mon 07 Jan" in label
    assert day["oee"] == pytest.approx(shift["oee"])


def test_the_pareto_puts_the_largest_reason_first_with_cumulative_shares(report):
    pareto = report["pareto"]
    assert [r["reason"] for r in pareto] == ["Breakdown", "No material", "Break or meeting"]
    assert [r["minutes"] for r in pareto] == [60, 45, 30]
    assert pareto[-1]["cumulative_pct"] == 100.0
