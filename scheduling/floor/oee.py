"""Shop-floor KPIs from actuals: OEE, schedule adherence and the downtime Pareto.

OEE = availability × performance × quality, for a machine (or a sum of machines) over a
window:
* planned production time: working minutes from the calendars (shifts, exceptions), less
  downtime with a planned reason;
* run time: planned production time less unplanned downtime (machine down, recorded
  downtime, pauses with an unplanned reason; overlapping spans count once);
* availability = run time / planned production time;
* performance = ideal minutes / run time, where ideal minutes = Σ (good + scrap) × the
  routing's run minutes per unit on that machine, for operations completed in the window
  (capped at 100 %);
* quality = good / (good + scrap).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from plant.calendars import Span, clip, local_to_utc, merge, subtract, working_spans
from plant.models import Machine, OperationMachine, Plant, Shift
from scheduling.floor.selectors import adherence_tolerance
from scheduling.models import Downtime, DowntimeReason, OperationExecution, ScheduledOperation


def _minutes(spans: Iterable[Span]) -> float:
    return sum((e - s).total_seconds() for s, e in spans) / 60


@dataclass
class OeeInputs:
    planned_min: float = 0.0
    downtime_min: float = 0.0
    ideal_min: float = 0.0
    good: float = 0.0
    total: float = 0.0

    def add(self, other: OeeInputs) -> None:
        self.planned_min += other.planned_min
        self.downtime_min += other.downtime_min
        self.ideal_min += other.ideal_min
        self.good += other.good
        self.total += other.total

    def figures(self) -> dict[str, float | None]:
        run = self.planned_min - self.downtime_min
        availability = run / self.planned_min if self.planned_min > 0 else None
        performance = min(1.0, self.ideal_min / run) if run > 0 else None
        quality = self.good / self.total if self.total > 0 else None
        parts = (availability, performance, quality)
        oee = None if None in parts else availability * performance * quality  # type: ignore[operator]
        return {
            "planned_h": round(self.planned_min / 60, 2),
            "downtime_h": round(self.downtime_min / 60, 2),
            "availability": availability,
            "performance": performance,
            "quality": quality,
            "oee": oee,
        }


@dataclass
class MachineFacts:
    """What one machine did in the window: its calendar, downtime and completed work."""

    work: list[Span]
    planned_down: list[Span] = field(default_factory=list)
    unplanned_down: list[Span] = field(default_factory=list)
    # (actual end, good, total, ideal minutes)
    completions: list[tuple[dt.datetime, float, float, float]] = field(default_factory=list)

    def inputs(self, start: dt.datetime, end: dt.datetime) -> OeeInputs:
        work = clip(self.work, start, end)
        planned = subtract(work, self.planned_down)
        down = clip(merge(self.unplanned_down), start, end)
        down_in_planned = [
            (max(s, a), min(e, b)) for s, e in down for a, b in planned if min(e, b) > max(s, a)
        ]
        done = [c for c in self.completions if start <= c[0] < end]
        return OeeInputs(
            planned_min=_minutes(planned),
            downtime_min=_minutes(down_in_planned),
            ideal_min=sum(c[3] for c in done),
            good=sum(c[1] for c in done),
            total=sum(c[2] for c in done),
        )


def machine_facts(
    plant: Plant, machines: list[Machine], start: dt.datetime, end: dt.datetime
) -> dict[int, MachineFacts]:
    """Calendars, downtime and completions of the machines in [start, end). Four queries
    plus the calendar's."""
    spans = working_spans(plant, machines, start, end)
    facts = {m.pk: MachineFacts(work=spans.get(m.pk, [])) for m in machines}
    for d in (
        Downtime.objects.filter(machine__in=machines, started_at__lt=end)
        .exclude(ended_at__lt=start)
        .select_related("reason")
    ):
        span = (max(d.started_at, start), min(d.ended_at or end, end))
        target = facts[d.machine_id]
        planned = d.reason.kind == DowntimeReason.Kind.PLANNED
        (target.planned_down if planned else target.unplanned_down).append(span)
    ideal = {
        (om.operation_id, om.machine_id): om.run_minutes_per_unit
        for om in OperationMachine.objects.filter(machine__in=machines)
    }
    for e in OperationExecution.objects.filter(
        machine__in=machines, status="completed", actual_end__gte=start, actual_end__lt=end
    ):
        total = e.good_quantity + e.scrap_quantity
        per_unit = ideal.get((e.operation_id, e.machine_id), Decimal(0))
        facts[e.machine_id].completions.append(
            (e.actual_end, float(e.good_quantity), float(total), float(total * per_unit))
        )
    return facts


def day_buckets(plant: Plant, start: dt.datetime, end: dt.datetime) -> list[tuple[str, Span]]:
    tz = plant.tz
    day = start.astimezone(tz).date()
    result: list[tuple[str, Span]] = []
    while True:
        s = local_to_utc(dt.datetime.combine(day, dt.time()), tz)
        e = local_to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), tz)
        if s >= end:
            return result
        result.append((day.strftime("%a %d %b"), (max(s, start), min(e, end))))
        day += dt.timedelta(days=1)


def shift_buckets(plant: Plant, start: dt.datetime, end: dt.datetime) -> list[tuple[str, Span]]:
    """The plant's default shift pattern's shifts, one bucket per day and shift."""
    shifts = list(Shift.objects.filter(pattern__plant=plant, pattern__is_plant_default=True))
    result = []
    for label, (s, _) in day_buckets(plant, start, end):
        day = s.astimezone(plant.tz).date()
        for shift in (x for x in shifts if x.weekday == day.weekday()):
            a, b = (local_to_utc(t, plant.tz) for t in shift.local_bounds(day))
            if b > start and a < end:
                result.append((f"{label} {shift.name}", (max(a, start), min(b, end))))
    return sorted(result, key=lambda r: r[1][0])


def oee_report(plant: Plant, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """OEE by machine, work centre, day and shift; adherence; downtime Pareto."""
    machines = list(Machine.objects.filter(plant=plant).select_related("work_centre"))
    facts = machine_facts(plant, machines, start, end)
    by_machine: dict[str, dict[str, float | None]] = {}
    by_centre: dict[str, OeeInputs] = defaultdict(OeeInputs)
    for m in sorted(machines, key=lambda m: (m.work_centre.code, m.code)):
        inputs = facts[m.pk].inputs(start, end)
        by_machine[m.code] = inputs.figures()
        by_centre[m.work_centre.code].add(inputs)

    def bucketed(buckets: list[tuple[str, Span]]) -> list[tuple[str, dict[str, Any]]]:
        rows = []
        for label, (s, e) in buckets:
            total = OeeInputs()
            for f in facts.values():
                total.add(f.inputs(s, e))
            rows.append((label, total.figures()))
        return rows

    return {
        "machines": by_machine,
        "work_centres": {code: i.figures() for code, i in sorted(by_centre.items())},
        "days": bucketed(day_buckets(plant, start, end)),
        "shifts": bucketed(shift_buckets(plant, start, end)),
        "adherence": schedule_adherence(plant, start, end),
        "pareto": downtime_pareto(plant, start, end),
    }


def schedule_adherence(plant: Plant, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Completed operations whose actual start and end are both within the tolerance of the
    published plan, as a share of the completed operations the plan has."""
    tolerance = adherence_tolerance()
    done = {
        (e.order_id, e.operation_id): e
        for e in OperationExecution.objects.filter(
            plant=plant, status="completed", actual_end__gte=start, actual_end__lt=end
        ).select_related("machine")
    }
    plan = ScheduledOperation.objects.filter(
        run__plant=plant, run__is_published=True, order_id__in={k[0] for k in done}
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in plan:
        e = done.get((p.order_id, p.operation_id))
        if e is None or e.actual_start is None or e.actual_end is None:
            continue
        ok = abs(e.actual_start - p.start) <= tolerance and abs(e.actual_end - p.end) <= tolerance
        for key in ("all", e.machine.code if e.machine else "?"):
            counts[key][0] += ok
            counts[key][1] += 1
    return {
        "tolerance_min": settings.FLOOR_ADHERENCE_TOLERANCE_MIN,
        "rows": {
            k: {"on_plan": a, "of": n, "pct": round(100 * a / n, 1)} for k, (a, n) in counts.items()
        },
    }


def downtime_pareto(plant: Plant, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Downtime minutes by reason, largest first, with the cumulative share."""
    minutes: dict[str, float] = defaultdict(float)
    for d in (
        Downtime.objects.filter(plant=plant, started_at__lt=end)
        .exclude(ended_at__lt=start)
        .select_related("reason")
    ):
        span = (max(d.started_at, start), min(d.ended_at or end, end))
        minutes[d.reason.name] += _minutes([span])
    total = sum(minutes.values()) or 1.0
    rows, running = [], 0.0
    for name, value in sorted(minutes.items(), key=lambda kv: -kv[1]):
        running += value
        rows.append(
            {
                "reason": name,
                "minutes": round(value, 1),
                "cumulative_pct": round(100 * running / total, 1),
            }
        )
    return rows
