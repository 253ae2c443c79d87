"""Scheduling events for webhooks: the hooks call plant's emit_event after commit."""

from __future__ import annotations

from plant.integrations.webhooks import emit_event
from scheduling.hooks import register
from scheduling.models import OperationExecution, ProductionOrder, ScheduleRun

KPI_SUMMARY = ("orders", "operations", "on_time_pct", "total_tardiness_h", "makespan_at", "gap")


def run_payload(run: ScheduleRun) -> dict[str, object]:
    return {
        "run": run.pk,
        "name": run.name,
        "status": run.status,
        "horizon_start": run.horizon_start,
        "horizon_end": run.horizon_end,
        "finished_at": run.finished_at,
        "published_at": run.published_at,
        "kpis": {key: run.kpis.get(key) for key in KPI_SUMMARY},
        "url": f"/api/v1/runs/{run.pk}/",
    }


def schedule_published(run: ScheduleRun) -> None:
    emit_event(plant=run.plant, event="schedule.published", payload=lambda: run_payload(run))


def run_finished(run: ScheduleRun) -> None:
    emit_event(plant=run.plant, event="run.finished", payload=lambda: run_payload(run))


def order_payload(order: ProductionOrder) -> dict[str, object]:
    return {
        "order": order.external_ref,
        "item": order.item.code,
        "quantity": str(order.quantity),
        "completed_quantity": str(order.completed_quantity),
        "status": order.status,
        "url": f"/api/v1/orders/{order.external_ref}/?plant={order.plant.code}",
    }


def order_completed(order: ProductionOrder) -> None:
    emit_event(plant=order.plant, event="order.completed", payload=lambda: order_payload(order))


def operation_payload(execution: OperationExecution) -> dict[str, object]:
    operator = execution.completed_by
    return {
        "order": execution.order.external_ref,
        "operation": execution.operation.sequence,
        "operation_name": execution.operation.name,
        "machine": execution.machine.code if execution.machine else None,
        "good_quantity": str(execution.good_quantity),
        "scrap_quantity": str(execution.scrap_quantity),
        "actual_start": execution.actual_start,
        "actual_end": execution.actual_end,
        "operator": operator.badge if operator else None,
    }


def operation_completed(execution: OperationExecution) -> None:
    emit_event(
        plant=execution.order.plant,
        event="operation.completed",
        payload=lambda: operation_payload(execution),
    )


def connect() -> None:
    register("schedule.published", schedule_published)
    register("run.finished", run_finished)
    register("order.completed", order_completed)
    register("operation.completed", operation_completed)
