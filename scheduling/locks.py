"""Row locks for scheduling. Always through here, always in pk order.

Shop-floor events lock the machine first, then the executions on it, then their orders, so
two tablets acting on one machine queue behind each other and never deadlock.

Each lock goes through `plant.locks.locking` (its own rows only, FOR NO KEY UPDATE).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet, Subquery

from plant.locks import locking
from plant.models import Machine, Plant
from scheduling.models import OperationExecution, ProductionOrder, ScheduleRun


def lock_runs(run_ids: list[int]) -> list[ScheduleRun]:
    return list(locking(ScheduleRun.objects.filter(pk__in=run_ids)).order_by("pk"))


def lock_machine(machine_id: int) -> Machine:
    machine: Machine = locking(Machine.objects.all()).get(pk=machine_id)
    return machine


def lock_machine_of_step(order_id: int, operation_id: int) -> Machine | None:
    """The machine a started step runs on, locked (None before the step starts). A step's
    machine is set once, when it starts, so reading it in the same statement is safe."""
    step = OperationExecution.objects.filter(order_id=order_id, operation_id=operation_id)
    machine: Machine | None = (
        locking(Machine.objects.filter(pk=Subquery(step.order_by().values("machine_id")[:1])))
        .order_by()
        .first()
    )
    return machine


def lock_step(order_id: int, operation_id: int, **columns: Any) -> Any:
    """A routing step's execution and its order, locked in one statement (execution, then
    order), with its operation and any extra `columns` (annotations). Take the machine's lock
    first."""
    return (
        locking(OperationExecution.objects.all(), "order")
        .select_related("order", "operation")
        .annotate(**columns)
        .get(order_id=order_id, operation_id=operation_id)
    )


def lock_executions(execution_ids: list[int]) -> list[OperationExecution]:
    return list(locking(OperationExecution.objects.filter(pk__in=execution_ids)).order_by("pk"))


def lock_order(order_id: int) -> ProductionOrder:
    order: ProductionOrder = locking(ProductionOrder.objects.all()).get(pk=order_id)
    return order


def lock_orders_by_ref(plant: Plant, refs: Iterable[str]) -> QuerySet[ProductionOrder]:
    """The plant's orders with these external references, to be locked when evaluated (in
    pk order), with their items."""
    return (
        locking(ProductionOrder.objects.filter(plant=plant, external_ref__in=list(refs)))
        .select_related("item")
        .order_by("pk")
    )
