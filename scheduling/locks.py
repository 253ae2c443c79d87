"""Row locks for scheduling. Always through here, always in pk order.

Shop-floor events lock the machine first, then the executions on it, then their orders, so
two tablets acting on one machine queue behind each other and never deadlock.

Every lock names the rows it takes (`of`) and takes them FOR NO KEY UPDATE. A model's
default ordering joins the plant (`plant__code`), and a bare FOR UPDATE over a join locks
the joined plant's row too: every event and order upsert in a plant then queued behind each
other, and each insert's foreign-key check on the plant (FOR KEY SHARE) waited as well. NO
KEY UPDATE still excludes another NO KEY UPDATE of the same row, but lets rows that refer
to it be inserted meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet, Subquery

from plant.models import Machine, Plant
from scheduling.models import OperationExecution, ProductionOrder, ScheduleRun

M = TypeVar("M", bound=Model)


def locking(queryset: QuerySet[M], *also: str) -> QuerySet[M]:
    """`queryset` locking its own rows (and the related rows named in `also`) only."""
    return queryset.select_for_update(of=("self", *also), no_key=True)


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
