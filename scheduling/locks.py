"""Row locks for scheduling. Always through here, always in pk order.

Shop-floor events lock the machine first, then the executions on it, so two tablets acting
on one machine queue behind each other and never deadlock.
"""

from __future__ import annotations

from plant.models import Machine
from scheduling.models import OperationExecution, ProductionOrder, ScheduleRun


def lock_runs(run_ids: list[int]) -> list[ScheduleRun]:
    return list(ScheduleRun.objects.select_for_update().filter(pk__in=run_ids).order_by("pk"))


def lock_machine(machine_id: int) -> Machine:
    machine: Machine = Machine.objects.select_for_update().get(pk=machine_id)
    return machine


def lock_executions(execution_ids: list[int]) -> list[OperationExecution]:
    return list(
        OperationExecution.objects.select_for_update().filter(pk__in=execution_ids).order_by("pk")
    )


def lock_order(order_id: int) -> ProductionOrder:
    order: ProductionOrder = ProductionOrder.objects.select_for_update().get(pk=order_id)
    return order
