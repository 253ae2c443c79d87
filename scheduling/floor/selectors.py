"""Composite reads for the shop floor: a machine's dispatch rows with their execution state,
components, the manager's alerts, and the planned-against-actual overlay of the Gantt chart.

Component availability: Takt has no inventory app yet, so a made component counts as
available as far as the plant's orders for it have completed that quantity (their good
quantity at the last step); bought components are shown as not tracked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Min, Sum
from django.utils import timezone

from plant.models import BOMLine, Item, Machine, Operation, Plant
from scheduling.models import (
    Downtime,
    OperationExecution,
    ProductionOrder,
    ScheduledOperation,
    ScheduleRun,
)
from scheduling.planning.selectors import dispatch_list, published_run

Status = OperationExecution.Status


@dataclass
class DispatchRow:
    """One line of a tablet's dispatch list."""

    order: ProductionOrder
    operation: Any  # plant.Operation
    planned: ScheduledOperation | None
    execution: OperationExecution | None
    components: str

    @property
    def status(self) -> str:
        return self.execution.status if self.execution else Status.PLANNED

    @property
    def version(self) -> int:
        return self.execution.version if self.execution else 0

    @property
    def key(self) -> str:
        return f"{self.order.pk}-{self.operation.pk}"


def dispatch_rows(plant: Plant, machine: Machine, *, done_limit: int = 3) -> dict[str, Any]:
    """What a machine's tablet shows: active operations first, then the published sequence
    of what is still to do on it, then the last few completed. A fixed number of queries."""
    run = published_run(plant)
    planned = dispatch_list(run, machine.code) if run else []
    executions = {
        (e.order_id, e.operation_id): e
        for e in OperationExecution.objects.filter(
            order__in={p.order_id for p in planned}
        ).select_related("machine")
    }
    here = list(
        OperationExecution.objects.filter(machine=machine)
        .exclude(status=Status.PLANNED)
        .select_related("order__item", "operation", "machine")
        .order_by("-actual_start")[:50]
    )
    for e in here:
        executions[(e.order_id, e.operation_id)] = e
    routings = {p.operation.routing_id for p in planned} | {e.operation.routing_id for e in here}
    look = _Lookup(
        plan_of={(p.order_id, p.operation_id): p for p in planned},
        executions=executions,
        components=component_status([p.order for p in planned] + [e.order for e in here]),
        first_step=dict(
            Operation.objects.filter(routing_id__in=routings)
            .values_list("routing_id")
            .annotate(first=Min("sequence"))
            .order_by()
        ),
    )
    active = [e for e in here if e.status in (Status.RUNNING, Status.PAUSED)]
    todo = [
        p
        for p in planned
        if (p.order_id, p.operation_id) not in executions
        or executions[(p.order_id, p.operation_id)].status == Status.PLANNED
    ]
    done = [e for e in here if e.status == Status.COMPLETED][:done_limit]
    return {
        "run": run,
        "active": [look.row(e.order, e.operation) for e in active],
        "todo": [look.row(p.order, p.operation) for p in todo],
        "done": [look.row(e.order, e.operation) for e in done],
    }


@dataclass
class _Lookup:
    plan_of: dict[tuple[int, int], ScheduledOperation]
    executions: dict[tuple[int, int], OperationExecution]
    components: dict[int, str]
    first_step: dict[int, int]

    def row(self, order: ProductionOrder, operation: Any) -> DispatchRow:
        key = (order.pk, operation.pk)
        # Components are used at the routing's first step; later steps need none of them.
        first = self.first_step.get(operation.routing_id) == operation.sequence
        return DispatchRow(
            order=order,
            operation=operation,
            planned=self.plan_of.get(key),
            execution=self.executions.get(key),
            components=self.components.get(order.pk, "") if first else "",
        )


def component_status(orders: list[ProductionOrder]) -> dict[int, str]:
    """Per order: "ready", "short: A (4 of 10)…", "bought parts not tracked" or "" (no BOM)."""
    items = {o.item_id for o in orders}
    lines: dict[int, list[BOMLine]] = defaultdict(list)
    for line in BOMLine.objects.filter(parent_id__in=items).select_related("component"):
        lines[line.parent_id].append(line)
    made = {
        line.component_id for ls in lines.values() for line in ls if line.component.kind == "made"
    }
    made_qty: dict[int, Decimal] = dict(
        ProductionOrder.objects.filter(item_id__in=made)
        .values_list("item_id")
        .annotate(total=Sum("completed_quantity"))
        .order_by()
    )
    result = {}
    for order in orders:
        result[order.pk] = _components_of(order, lines.get(order.item_id, []), made_qty)
    return result


def _components_of(
    order: ProductionOrder, lines: list[BOMLine], made_qty: dict[int, Decimal]
) -> str:
    if not lines:
        return ""
    short = []
    bought = False
    for line in lines:
        if line.component.kind == Item.Kind.BOUGHT:
            bought = True
            continue
        need = line.quantity * order.quantity
        have = made_qty.get(line.component_id, Decimal(0))
        if have < need:
            short.append(f"{line.component.code} ({have.normalize():f} of {need.normalize():f})")
    if short:
        return "short: " + ", ".join(short)
    return "ready, bought parts not tracked" if bought else "ready"


def adherence_tolerance() -> dt.timedelta:
    """How late against the published plan a step may start or end before it counts as late
    (alerts, the Gantt's actuals, schedule adherence)."""
    return dt.timedelta(minutes=settings.FLOOR_ADHERENCE_TOLERANCE_MIN)


def floor_alerts(plant: Plant, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """For the manager: machines down (with expected return) and operations running late
    (not started, or not finished, later than plan + tolerance). Four queries."""
    now = now or timezone.now()
    down = list(
        Downtime.objects.filter(plant=plant, machine_down=True, ended_at=None)
        .select_related("machine", "reason")
        .order_by("started_at")
    )
    run = published_run(plant)
    late: list[dict[str, Any]] = []
    if run is not None:
        ops = ScheduledOperation.objects.filter(run=run, start__lt=now - adherence_tolerance())
        states = {
            (e.order_id, e.operation_id): e
            for e in OperationExecution.objects.filter(plant=plant).only(
                "order_id", "operation_id", "status", "actual_end"
            )
        }
        for op in ops.select_related("order", "operation").order_by("start")[:500]:
            state = states.get((op.order_id, op.operation_id))
            status = state.status if state else Status.PLANNED
            if status == Status.PLANNED:
                late.append({"op": op, "why": "not started"})
            elif status != Status.COMPLETED and op.end + adherence_tolerance() < now:
                late.append({"op": op, "why": "not finished"})
    return {"down": down, "late": late, "run": run}


def gantt_actuals(run: ScheduleRun, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The Gantt overlay: for each scheduled operation of `run` that has started, its actual
    span (to now while open) and state; `late` when planned start or end passed by more than
    the tolerance without it. Rows refer to the op's pk (the Gantt's op[7])."""
    now = now or timezone.now()
    ops = list(
        ScheduledOperation.objects.filter(run=run).only(
            "pk", "order_id", "operation_id", "start", "end"
        )
    )
    states = {
        (e.order_id, e.operation_id): e
        for e in OperationExecution.objects.filter(order__in={o.order_id for o in ops}).only(
            "order_id", "operation_id", "status", "actual_start", "actual_end", "machine_id"
        )
    }
    rows = []
    for op in ops:
        e = states.get((op.order_id, op.operation_id))
        status = e.status if e else Status.PLANNED
        late = (status == Status.PLANNED and op.start + adherence_tolerance() < now) or (
            status != Status.COMPLETED and op.end + adherence_tolerance() < now
        )
        if status == Status.PLANNED and not late:
            continue
        start = e.actual_start if e and e.actual_start else None
        end = (e.actual_end if e and e.actual_end else now) if start else None
        rows.append(
            [
                op.pk,
                str(status),
                int(start.timestamp() * 1000) if start else None,
                int(end.timestamp() * 1000) if end else None,
                int(late),
            ]
        )
    return {"now_ms": int(now.timestamp() * 1000), "actuals": rows}


def open_machine_downtime(machine: Machine) -> Downtime | None:
    down: Downtime | None = (
        Downtime.objects.filter(machine=machine, machine_down=True, ended_at=None)
        .select_related("reason")
        .first()
    )
    return down


def floor_overview(plant: Plant) -> list[dict[str, Any]]:
    """Work centres with their machines, each with what runs on it now. Two queries."""
    machines = list(
        Machine.objects.filter(plant=plant)
        .select_related("work_centre")
        .order_by("work_centre__code", "code")
    )
    active: dict[int, list[OperationExecution]] = defaultdict(list)
    for e in (
        OperationExecution.objects.filter(plant=plant, status__in=(Status.RUNNING, Status.PAUSED))
        .select_related("order", "operation")
        .order_by("actual_start")
    ):
        active[e.machine_id].append(e)
    centres: dict[int, dict[str, Any]] = {}
    for m in machines:
        centre = centres.setdefault(m.work_centre_id, {"centre": m.work_centre, "machines": []})
        centre["machines"].append({"machine": m, "active": active.get(m.pk, [])})
    return list(centres.values())
