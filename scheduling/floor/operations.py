"""Shop-floor execution: start, pause, resume, report quantities of and complete an order's
routing step.

Every call is one append-only WipEvent whose id the client chose, recorded at most once, with
the locks taken in services/floor_events.py: the machine, then the step's execution together
with its order (one statement). Every change of what runs on a machine holds that machine's
lock, so the capacity and state checks made under it hold until commit.

The checks a start needs (eligible machine, what runs on it, the previous step) and the shape
of the routing are read as columns of the statement that locks the step, not one by one: an
event costs a fixed, small number of queries (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, Subquery
from django.db.models.functions import Coalesce

from plant.models import Machine, Operation, OperationMachine
from scheduling.errors import OperationRuleViolation, OperationStateConflict, QuantityAboveOrder
from scheduling.floor.events import (
    PAST,
    Actor,
    EventOutcome,
    Step,
    check_version,
    label,
    operation_event,
)
from scheduling.hooks import announce
from scheduling.models import (
    Downtime,
    DowntimeReason,
    OperationExecution,
    ProductionOrder,
    WipEvent,
)

__all__ = ["Actor", "EventOutcome", "check_version"]

Status = OperationExecution.Status
Kind = WipEvent.Kind


# --- Start ----------------------------------------------------------------------------------


def _start_facts(order: ProductionOrder, operation: Operation, machine: Machine) -> dict[str, Any]:
    """What a start checks, read with the step under the machine's lock."""
    previous = (
        Operation.objects.filter(routing_id=operation.routing_id, sequence__lt=operation.sequence)
        .order_by("-sequence")
        .values("pk")[:1]
    )
    running = (
        OperationExecution.objects.filter(machine_id=machine.pk, status=Status.RUNNING)
        .order_by()
        .values("machine_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "eligible": Exists(
            OperationMachine.objects.filter(operation_id=operation.pk, machine_id=machine.pk)
        ),
        "running_here": Coalesce(Subquery(running), 0),
        "has_previous": Exists(previous),
        "previous_started": Exists(
            OperationExecution.objects.filter(
                order_id=order.pk,
                operation_id=Subquery(previous),
                status__in=OperationExecution.STARTED,
            )
        ),
    }


def _refuse_start(ex: Any, machine: Machine) -> None:
    """The start's rules, from the columns read with the step; messages may query more."""
    operation = ex.operation
    if not ex.eligible:
        raise OperationRuleViolation(
            f"{machine.code} cannot run step {operation.sequence} {operation.name}."
        )
    if machine.status != Machine.Status.AVAILABLE:
        raise OperationStateConflict(
            f"{machine.code} is {machine.get_status_display().lower()}; mark it up first."
        )
    if ex.running_here >= machine.capacity:
        running = OperationExecution.objects.filter(machine=machine, status=Status.RUNNING)
        names = ", ".join(label(r) for r in running.select_related("order", "operation"))
        raise OperationStateConflict(f"{machine.code} is already running {names}.")
    if ex.has_previous and not ex.previous_started and not operation.allows_overlap:
        previous = (
            Operation.objects.filter(
                routing_id=operation.routing_id, sequence__lt=operation.sequence
            )
            .order_by("-sequence")
            .first()
        )
        assert previous is not None
        raise OperationRuleViolation(
            f"Step {previous.sequence} {previous.name} of {ex.order.external_ref} "
            "has not started yet."
        )


def _start(step: Step) -> None:
    ex, order = step.execution, step.execution.order
    if ex.status != Status.PLANNED:
        raise OperationStateConflict(f"{label(ex)} is already {ex.get_status_display().lower()}.")
    _refuse_start(ex, step.machine)
    if order.status not in ProductionOrder.OPEN_STATUSES:
        raise OperationStateConflict(
            f"Order {order.external_ref} is {order.get_status_display().lower()}."
        )
    if order.status != ProductionOrder.Status.IN_PROGRESS:
        order.status = ProductionOrder.Status.IN_PROGRESS
        order.save(update_fields=["status", "updated_at"])
    ex.status, ex.machine, ex.actual_start = Status.RUNNING, step.machine, step.now
    ex.exclusive = step.machine.capacity == 1
    ex.started_by = step.actor.operator


def start_operation(
    *,
    event_id: uuid.UUID,
    order: ProductionOrder,
    operation: Operation,
    machine: Machine,
    actor: Actor,
    expected_version: int | None = None,
    note: str = "",
) -> EventOutcome:
    """planned → running on `machine`, now.

    Refused when the order is closed, the machine is not eligible or not available, the
    previous routing step has not started (unless this step allows overlap), or the machine
    already runs as many operations as its capacity. The order becomes in progress.
    """
    if machine.plant_id != order.plant_id:
        raise OperationRuleViolation(f"Machine {machine.code} belongs to another plant.")
    return operation_event(
        event_id=event_id,
        kind=Kind.START,
        order=order,
        operation=operation,
        machine=machine,
        expected_version=expected_version,
        actor=actor,
        note=note,
        apply=_start,
        facts=_start_facts(order, operation, machine),
    )


# --- Pause and resume -----------------------------------------------------------------------


def pause_operation(
    *,
    event_id: uuid.UUID,
    order: ProductionOrder,
    operation: Operation,
    reason: DowntimeReason,
    actor: Actor,
    expected_version: int | None = None,
    note: str = "",
) -> EventOutcome:
    """running → paused, with a reason; the pause is a downtime span until it resumes."""

    def apply(step: Step) -> None:
        ex = step.execution
        if ex.status != Status.RUNNING:
            raise OperationStateConflict(f"{label(ex)} is {ex.get_status_display().lower()}.")
        ex.status = Status.PAUSED
        Downtime.objects.create(
            plant_id=ex.plant_id,
            machine=step.machine,
            execution=ex,
            reason=reason,
            started_at=step.now,
            note=note.strip(),
        )
        step.fields["reason"] = reason

    return operation_event(
        event_id=event_id,
        kind=Kind.PAUSE,
        order=order,
        operation=operation,
        machine=None,
        expected_version=expected_version,
        actor=actor,
        note=note,
        apply=apply,
    )


def _close_pause(execution: OperationExecution, now: dt.datetime) -> None:
    Downtime.objects.filter(execution=execution, ended_at=None).update(ended_at=now)


def resume_operation(
    *,
    event_id: uuid.UUID,
    order: ProductionOrder,
    operation: Operation,
    actor: Actor,
    expected_version: int | None = None,
    note: str = "",
) -> EventOutcome:
    """paused → running; needs the machine up and a free place on it."""

    def apply(step: Step) -> None:
        ex = step.execution
        if ex.status != Status.PAUSED:
            raise OperationStateConflict(f"{label(ex)} is {ex.get_status_display().lower()}.")
        if step.machine.status != Machine.Status.AVAILABLE:
            raise OperationStateConflict(f"{step.machine.code} is down; mark it up first.")
        running = OperationExecution.objects.filter(machine=step.machine, status=Status.RUNNING)
        if running.count() >= step.machine.capacity:
            raise OperationStateConflict(f"{step.machine.code} is busy with another operation.")
        ex.status = Status.RUNNING
        _close_pause(ex, step.now)

    return operation_event(
        event_id=event_id,
        kind=Kind.RESUME,
        order=order,
        operation=operation,
        machine=None,
        expected_version=expected_version,
        actor=actor,
        note=note,
        apply=apply,
    )


# --- Quantities: report while running, complete ---------------------------------------------


def _quantity(value: Decimal, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise OperationRuleViolation(
            f"The {name} quantity must be zero or more.", detail={name: [str(value)]}
        )
    if value != value.quantize(Decimal("0.001")) or value >= Decimal("1e9"):
        raise OperationRuleViolation(
            f"The {name} quantity has too many digits.", detail={name: [str(value)]}
        )
    return value


def _routing_facts(operation: Operation) -> dict[str, Any]:
    """The routing's number of steps and its last step, read with the step."""
    steps = (
        Operation.objects.filter(routing_id=operation.routing_id).order_by().values("routing_id")
    )
    return {
        "steps": Subquery(steps.annotate(n=Count("pk")).values("n")),
        "last_sequence": Subquery(steps.annotate(m=Max("sequence")).values("m")),
    }


def _check_total(step: Step, good: Decimal, scrap: Decimal, confirmed: bool) -> None:
    """Good and scrap of a step beyond the order quantity plus FLOOR_QUANTITY_TOLERANCE_PCT
    are most likely a typing slip: refused unless the operator confirmed them."""
    ex, order = step.execution, step.execution.order
    total = ex.good_quantity + ex.scrap_quantity + good + scrap
    tolerance = Decimal(settings.FLOOR_QUANTITY_TOLERANCE_PCT)
    limit = order.quantity * (1 + tolerance / 100)
    if total > limit and not confirmed:
        raise QuantityAboveOrder(
            f"That makes {total.normalize():f} for {label(ex)}, an order of "
            f"{order.quantity.normalize():f} (more than {tolerance.normalize():f} % over). "
            "Check the count, or confirm it.",
            detail={
                "total": f"{total.normalize():f}",
                "order_quantity": f"{order.quantity.normalize():f}",
                "limit": f"{limit.normalize():f}",
            },
        )


def _add_quantities(step: Step, good: Decimal, scrap: Decimal, *, done: bool) -> None:
    """Add to the step's quantities; the order's completed quantity is what its last step
    made. With `done` the step is being completed: the order is done when every step is."""
    ex, order = step.execution, step.execution.order
    ex.good_quantity += good
    ex.scrap_quantity += scrap
    step.fields.update(good_quantity=good, scrap_quantity=scrap)
    last = ex.operation.sequence == ex.last_sequence
    if last:
        order.completed_quantity += good
    if not done:
        if last and good:
            order.save(update_fields=["completed_quantity", "updated_at"])
        return
    others_done = 0
    if ex.steps > 1:  # read after the order's lock: another step may just have completed
        others_done = (
            OperationExecution.objects.filter(
                order_id=order.pk,
                operation__routing_id=ex.operation.routing_id,
                status=Status.COMPLETED,
            )
            .exclude(pk=ex.pk)
            .count()
        )
    finished = others_done + 1 == ex.steps
    announce("operation.completed", ex)
    order.status = ProductionOrder.Status.DONE if finished else ProductionOrder.Status.IN_PROGRESS
    order.save(update_fields=["status", "completed_quantity", "updated_at"])
    if finished:
        announce("order.completed", order)


def _quantity_event(
    *, kind: str, good: Decimal, scrap: Decimal, confirm_over: bool, **common: Any
) -> EventOutcome:
    good, scrap = _quantity(good, "good"), _quantity(scrap, "scrap")
    completing = kind == Kind.COMPLETE

    def apply(step: Step) -> None:
        ex = step.execution
        if ex.status == Status.PLANNED:
            raise OperationStateConflict(f"{label(ex)} cannot be {PAST[kind]} before it starts.")
        if ex.status == Status.COMPLETED:
            raise OperationStateConflict(f"{label(ex)} is already completed.")
        if ex.good_quantity + ex.scrap_quantity + good + scrap <= 0 or (
            not completing and good + scrap <= 0
        ):
            raise OperationRuleViolation(
                "Enter the good and scrap quantities.", detail={"good": ["Both are zero."]}
            )
        _check_total(step, good, scrap, confirm_over)
        if completing:
            if ex.status == Status.PAUSED:
                _close_pause(ex, step.now)
            ex.status, ex.actual_end = Status.COMPLETED, step.now
            ex.completed_by = step.actor.operator
        _add_quantities(step, good, scrap, done=completing)

    facts = _routing_facts(common["operation"])
    return operation_event(kind=kind, machine=None, apply=apply, facts=facts, **common)


def report_quantities(
    *,
    event_id: uuid.UUID,
    order: ProductionOrder,
    operation: Operation,
    good: Decimal,
    scrap: Decimal,
    actor: Actor,
    expected_version: int | None = None,
    note: str = "",
    confirm_over: bool = False,
) -> EventOutcome:
    """Good and scrap made so far on a running or paused step, without completing it: added
    to the step's quantities (and, on the routing's last step, to the order's completed
    quantity). Refused above the order quantity plus the tolerance unless `confirm_over`."""
    return _quantity_event(
        kind=Kind.REPORT,
        good=good,
        scrap=scrap,
        confirm_over=confirm_over,
        event_id=event_id,
        order=order,
        operation=operation,
        expected_version=expected_version,
        actor=actor,
        note=note,
    )


def complete_operation(
    *,
    event_id: uuid.UUID,
    order: ProductionOrder,
    operation: Operation,
    good: Decimal,
    scrap: Decimal,
    actor: Actor,
    expected_version: int | None = None,
    note: str = "",
    confirm_over: bool = False,
) -> EventOutcome:
    """running or paused → completed with the good and scrap made since the last report;
    records the actual end and who completed it, and moves the order on (in progress, or
    done after its last step). Refused above the order quantity plus the tolerance unless
    `confirm_over`."""
    return _quantity_event(
        kind=Kind.COMPLETE,
        good=good,
        scrap=scrap,
        confirm_over=confirm_over,
        event_id=event_id,
        order=order,
        operation=operation,
        expected_version=expected_version,
        actor=actor,
        note=note,
    )
