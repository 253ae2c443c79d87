"""Row locks for scheduling. Always through here, always in pk order.

Shop-floor events lock the machine first, then the executions on it, then their orders, so
two tablets acting on one machine queue behind each other and never deadlock.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Subquery

from plant.models import Machine
from scheduling.models import OperationExecution, ProductionOrder, ScheduleRun


def lock_runs(run_ids: list[int]) -> list[ScheduleRun]:
    return list(ScheduleRun.objects.select_for_update().filter(pk__in=run_ids).order_by("pk"))


def lock_machine(machine_id: int) -> Machine:
    machine: Machine = Machine.objects.select_for_update().get(pk=machine_id)
    return machine


def lock_machine_of_step(order_id: int, operation_id: int) -> Machine | None:
    """The machine a started step runs on, locked (None before the step starts). A step's
    machine is set once, when it starts, so reading it in the same statement is safe."""
    step = OperationExecution.objects.filter(order_id=order_id, operation_id=operation_id)
    machine: Machine | None = (
        Machine.objects.select_for_update()
        .filter(pk=Subquery(step.values("machine_id")[:1]))
        .first()
    )
    return machine


def lock_step(order_id: int, operation_id: int, **columns: Any) -> Any:
    """A routing step's execution and its order, locked in one statement (execution, then
    order), with its operation and any extra `columns` (annotations). Take the machine's lock
    first."""
    return (
        OperationExecution.objects.select_for_update(of=("self", "order"))
        .select_related("order", "operation")
        .annotate(**columns)
        .get(order_id=order_id, operation_id=operation_id)
    )


def lock_executions(execution_ids: list[int]) -> list[OperationExecution]:
    return list(
        OperationExecution.objects.select_for_update().filter(pk__in=execution_ids).order_by("pk")
    )


def lock_order(order_id: int) -> ProductionOrder:
    order: ProductionOrder = ProductionOrder.objects.select_for_update().get(pk=order_id)
    return order
