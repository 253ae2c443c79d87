"""Composite reads feeding the scheduling screens: Gantt data, late-order reasons, comparisons,
dispatch lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from plant.models import Machine, OperationMachine, Plant
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.solver.calendars import Calendar

KPI_ROWS: list[tuple[str, str, str]] = [
    # key, label, better ("lower" | "higher")
    ("on_time_pct", "On-time orders (%)", "higher"),
    ("total_tardiness_h", "Total tardiness (h)", "lower"),
    ("weighted_tardiness_h", "Weighted tardiness (h)", "lower"),
    ("makespan_h", "Makespan (h from horizon start)", "lower"),
    ("changeover_h", "Setup and changeover (h)", "lower"),
    ("overtime_h", "Overtime (h)", "lower"),
    ("overtime_cost", "Overtime cost", "lower"),
]


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def gantt_data(run: ScheduleRun) -> dict[str, Any]:
    """The Gantt chart's JSON (contract in static/js/gantt.js): machines, orders, ops, bands."""
    ops = list(
        ScheduledOperation.objects.filter(run=run)
        .select_related("order__item__family", "operation")
        .order_by("machine_label", "start")
    )
    machines_by_code = {
        m.code: m for m in Machine.objects.filter(plant=run.plant_id).select_related("work_centre")
    }
    codes = sorted(
        set(run.machine_windows) | {o.machine_label for o in ops},
        key=lambda c: (machines_by_code[c].work_centre.code if c in machines_by_code else "~", c),
    )
    machine_index = {code: i for i, code in enumerate(codes)}
    orders: dict[int, ProductionOrder] = {}
    end_of_order: dict[int, dt.datetime] = {}
    for op in ops:
        orders.setdefault(op.order_id, op.order)
        end_of_order[op.order_id] = max(end_of_order.get(op.order_id, op.end), op.end)
    order_list = sorted(orders.values(), key=lambda o: (o.due_at, o.external_ref))
    order_index = {o.pk: i for i, o in enumerate(order_list)}
    origin = run.horizon_start
    horizon = int((run.horizon_end - origin).total_seconds() // 60)

    def at(minutes: int) -> int:
        return _ms(origin + dt.timedelta(minutes=minutes))

    off_shift: list[list[int]] = []
    overtime: list[list[int]] = []
    for code, windows in run.machine_windows.items():
        cursor = 0
        for start, end in windows["work"]:
            if start > cursor:
                off_shift.append([machine_index[code], at(cursor), at(start)])
            cursor = max(cursor, end)
        if cursor < horizon:
            off_shift.append([machine_index[code], at(cursor), at(horizon)])
        overtime.extend([machine_index[code], at(s), at(e)] for s, e in windows["overtime"])
    eligible, op_eligible = _eligible_rows(run, ops, machine_index)
    return {
        "origin_ms": _ms(origin),
        "end_ms": _ms(run.horizon_end),
        "tz": run.plant.time_zone,
        "machines": [
            {
                "code": code,
                "name": machines_by_code[code].name
                if code in machines_by_code
                else "what-if machine",
                "work_centre": machines_by_code[code].work_centre.code
                if code in machines_by_code
                else "what-if",
            }
            for code in codes
        ],
        "orders": [
            {
                "ref": o.external_ref,
                "item": o.item.code,
                "item_name": o.item.name,
                "family": o.item.family.code if o.item.family else "",
                "quantity": f"{o.quantity.normalize():f}",
                "due_ms": _ms(o.due_at),
                "late": end_of_order[o.pk] > o.due_at,
            }
            for o in order_list
        ],
        "ops": [
            [
                machine_index[op.machine_label],
                order_index[op.order_id],
                _ms(op.setup_start),
                _ms(op.start),
                _ms(op.end),
                f"{op.operation.sequence} {op.operation.name}",
                int(op.pinned),
                op.pk,
            ]
            for op in ops
        ],
        "off_shift": off_shift,
        "overtime": overtime,
        "eligible": eligible,
        "op_eligible": op_eligible,
    }


def _eligible_rows(
    run: ScheduleRun, ops: list[ScheduledOperation], machine_index: dict[str, int]
) -> tuple[list[list[int]], list[int]]:
    """Where each operation may be pinned: the distinct sets of machine rows (real machines of
    this run only: a pin on a what-if copy or a removed machine is refused), and per op the
    index of its set. Drag-to-pin uses it to refuse an ineligible row before asking."""
    by_operation: dict[int, set[int]] = defaultdict(set)
    for operation_id, code in OperationMachine.objects.filter(
        operation__in={op.operation_id for op in ops}
    ).values_list("operation_id", "machine__code"):
        if code in machine_index and code in run.machine_windows:
            by_operation[operation_id].add(machine_index[code])
    sets: dict[tuple[int, ...], int] = {}
    op_eligible = [
        sets.setdefault(tuple(sorted(by_operation[op.operation_id])), len(sets)) for op in ops
    ]
    return [list(rows) for rows in sets], op_eligible


def late_order_reasons(run: ScheduleRun, limit: int = 50) -> list[dict[str, Any]]:
    """For each late order: could it be on time at all, and if so what held it up.

    'At all' is the earliest completion with the plant empty: each step on its fastest
    eligible machine, in working time only, from the order's release.
    """
    late = (run.kpis or {}).get("late_orders", [])[:limit]
    if not late:
        return []
    refs = [x["order"] for x in late]
    orders = {
        o.external_ref: o
        for o in ProductionOrder.objects.filter(plant=run.plant_id, external_ref__in=refs)
    }
    ops = defaultdict(list)
    for so in (
        ScheduledOperation.objects.filter(run=run, order__external_ref__in=refs)
        .select_related("operation", "order")
        .order_by("operation__sequence")
    ):
        ops[so.order.external_ref].append(so)
    eligible = defaultdict(list)
    for em in OperationMachine.objects.filter(
        operation__in=[so.operation_id for v in ops.values() for so in v]
    ).select_related("machine"):
        eligible[em.operation_id].append(em)
    calendars = {
        code: Calendar([tuple(w) for w in win["work"]]) for code, win in run.machine_windows.items()
    }
    result = []
    for entry in late:
        order = orders.get(entry["order"])
        steps = ops.get(entry["order"], [])
        if order is None or not steps:
            continue
        result.append(_why_late(run, order, steps, eligible, calendars, entry["tardiness_min"]))
    return result


def _why_late(
    run: ScheduleRun,
    order: ProductionOrder,
    steps: list[ScheduledOperation],
    eligible: dict[int, list[OperationMachine]],
    calendars: dict[str, Calendar],
    tardiness_min: int,
) -> dict[str, Any]:
    origin = run.horizon_start

    def minutes(moment: dt.datetime) -> int:
        return int((moment - origin).total_seconds() // 60)

    t = max(0, minutes(order.release_at))
    for so in steps:
        best: int | None = None
        for em in eligible[so.operation_id]:
            calendar = calendars.get(em.machine.code)
            if calendar is None:
                continue
            work = em.run_minutes(order.quantity)
            if so.operation.can_pause:
                begin = calendar.fit(t, em.setup_minutes)
                end = (
                    calendar.work_end(begin + em.setup_minutes, work) if begin is not None else None
                )
            else:
                begin = calendar.fit(t, em.setup_minutes + work)
                end = begin + em.setup_minutes + work if begin is not None else None
            if end is not None and (best is None or end < best):
                best = end
        t = (best if best is not None else t) + so.operation.min_wait_minutes
    earliest = origin + dt.timedelta(minutes=t)
    reason: dict[str, Any] = {
        "order": order.external_ref,
        "item": order.item_id,
        "due": order.due_at,
        "late_h": round(tardiness_min / 60, 1),
        "earliest_possible": earliest,
    }
    if earliest > order.due_at:
        reason["possible"] = False
        short_h = (earliest - order.due_at).total_seconds() / 3600
        reason["why"] = (
            f"Cannot be on time: even with the plant empty it finishes {short_h:.1f} h after its "
            "due date (routing and shifts). Agree a later date, split the order, or add shifts."
        )
        return reason
    ready = order.release_at
    worst: tuple[float, ScheduledOperation] | None = None
    for so in steps:
        wait = (so.setup_start - ready).total_seconds() / 3600
        if worst is None or wait > worst[0]:
            worst = (wait, so)
        ready = so.end + dt.timedelta(minutes=so.operation.min_wait_minutes)
    reason["possible"] = True
    assert worst is not None
    wait_h, so = worst
    alternatives = [
        em.machine.code for em in eligible[so.operation_id] if em.machine.code != so.machine_label
    ]
    overtime = bool(run.machine_windows.get(so.machine_label, {}).get("overtime"))
    fixes = []
    if overtime:
        fixes.append(f"use the overtime offered on {so.machine_label}")
    else:
        fixes.append(f"an extra shift on {so.machine_label}")
    if alternatives:
        fixes.append(f"move it to {', '.join(alternatives)}")
    else:
        fixes.append(f"a second machine like {so.machine_label}")
    reason["machine"] = so.machine_label
    reason["why"] = (
        f"Could be on time, but step {so.operation.sequence} {so.operation.name} waited "
        f"{wait_h:.1f} h in the queue of {so.machine_label}. What would help: {' or '.join(fixes)}."
    )
    return reason


def run_comparison(runs: list[ScheduleRun]) -> list[dict[str, Any]]:
    """KPI rows with each run's value and its delta to the first run, and which is better."""
    rows = []
    for key, label, better in KPI_ROWS:
        values = [(r.kpis or {}).get(key) for r in runs]
        base = values[0]
        cells = []
        for value in values:
            delta = None if value is None or base is None else round(value - base, 2)
            good = None if not delta else (delta < 0) == (better == "lower")
            cells.append({"value": value, "delta": delta, "good": good})
        rows.append({"key": key, "label": label, "cells": cells})
    rows.append(
        {
            "key": "gap",
            "label": "Gap to the solver's bound (%)",
            "cells": [
                {
                    "value": None if r.gap is None else round(100 * r.gap, 1),
                    "delta": None,
                    "good": None,
                }
                for r in runs
            ],
        }
    )
    return rows


def published_run(plant: Plant) -> ScheduleRun | None:
    """The plant's published run, without its large JSON columns (read on demand)."""
    run: ScheduleRun | None = (
        ScheduleRun.objects.for_plant(plant)
        .published()
        .defer("progress", "machine_windows", "kpis", "conflicts")
        .first()
    )
    return run


def dispatch_list(run: ScheduleRun, machine_code: str) -> list[ScheduledOperation]:
    """A machine's operations in the published sequence."""
    return list(
        ScheduledOperation.objects.filter(run=run, machine_label=machine_code)
        .select_related("order__item", "operation")
        .order_by("start")
    )
