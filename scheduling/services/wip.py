"""Shop-floor execution: start, pause, resume and complete an order's routing step.

Every call is one append-only WipEvent whose id the client chose. A retried call with the same
id returns the first call's result and changes nothing, also when the two arrive at once: the
event id is checked again once the machine's row lock is held, and the primary key catches
the rest.

Locks, always in this order: the machine, then the execution, then the order.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from plant.models import Machine, Operation, OperationMachine
from scheduling.errors import (
    EventIdReused,
    OperationRuleViolation,
    OperationStateConflict,
    StaleVersion,
)
from scheduling.hooks import announce
from scheduling.locks import lock_executions, lock_machine, lock_order
from scheduling.models import (
    Downtime,
    DowntimeReason,
    OperationExecution,
    ProductionOrder,
    WipEvent,
)
from staffing.models import Operator

Status = OperationExecution.Status
Kind = WipEvent.Kind
Subject = tuple[str, int]
_PAST = {"pause": "paused", "resume": "resumed", "complete": "completed", "start": "started"}


@dataclass(frozen=True)
class Actor:
    """Who acts: the logged-in user (a supervisor's tablet, a terminal's API user) and the
    operator who identified on it, if any."""

    user: Any
    operator: Operator | None = None

    @property
    def db_user(self) -> Any:
        return self.user if getattr(self.user, "is_authenticated", False) else None


@dataclass(frozen=True)
class EventOutcome:
    event: WipEvent
    replayed: bool

    @property
    def result(self) -> dict[str, Any]:
        return dict(self.event.result)


# --- Idempotency ----------------------------------------------------------------------------


class _AlreadyRecorded(Exception):
    """The event appeared while this request waited for the machine's lock."""


def _find(event_id: uuid.UUID) -> WipEvent | None:
    return WipEvent.objects.filter(pk=event_id).first()


def _replay(event: WipEvent, kind: str, subject: Subject) -> EventOutcome:
    recorded = (
        ("execution", event.execution_id)
        if subject[0] == "execution"
        else ("machine", event.machine_id)
    )
    if event.kind != kind or recorded != subject:
        raise EventIdReused(
            f"Event {event.pk} was already used for a different action ({event.kind}).",
            detail={"event_id": [str(event.pk)]},
        )
    return EventOutcome(event=event, replayed=True)


def check_not_recorded(event_id: uuid.UUID) -> None:
    """Call right after taking the machine's lock: a concurrent twin has committed by then."""
    if WipEvent.objects.filter(pk=event_id).exists():
        raise _AlreadyRecorded


def run_idempotent(
    *, event_id: uuid.UUID, kind: str, subject: Subject, body: Callable[[], WipEvent]
) -> EventOutcome:
    """Run `body` at most once per event id, in one durable transaction; else replay.

    `subject` names what the event acts on, so an id reused for another action is refused
    (409) rather than answered with an unrelated result. `body` takes the machine's row lock
    first and then calls `check_not_recorded`.
    """
    existing = _find(event_id)
    if existing is not None:
        return _replay(existing, kind, subject)
    try:
        with transaction.atomic(durable=True):
            return EventOutcome(event=body(), replayed=False)
    except _AlreadyRecorded:
        pass
    except IntegrityError:
        # The same id committed by a twin that took another lock path: replay it below.
        if _find(event_id) is None:
            raise
    existing = _find(event_id)
    assert existing is not None
    return _replay(existing, kind, subject)


def snapshot(kind: str, machine: Machine, execution: OperationExecution | None) -> dict[str, Any]:
    """What the first request answered; a replay answers the same."""
    data: dict[str, Any] = {
        "kind": str(kind),
        "machine": {"code": machine.code, "status": str(machine.status)},
    }
    if execution is not None:
        data["operation"] = execution_json(execution)
    return data


def execution_json(execution: OperationExecution) -> dict[str, Any]:
    return {
        "id": execution.pk,
        "order": execution.order.external_ref,
        "sequence": execution.operation.sequence,
        "status": str(execution.status),
        "version": execution.version,
        "machine": execution.machine.code if execution.machine else None,
        "good_quantity": f"{execution.good_quantity.normalize():f}",
        "scrap_quantity": f"{execution.scrap_quantity.normalize():f}",
        "actual_start": execution.actual_start.isoformat() if execution.actual_start else None,
        "actual_end": execution.actual_end.isoformat() if execution.actual_end else None,
    }


# --- One operation event --------------------------------------------------------------------


def execution_for(order: ProductionOrder, operation: Operation) -> OperationExecution:
    """The execution row of this routing step, created (planned, version 0) on first use."""
    if operation.routing.item_id != order.item_id:
        raise OperationRuleViolation(
            f"Step {operation.sequence} is not part of {order.external_ref}'s routing."
        )
    execution, _ = OperationExecution.objects.select_related(
        "order", "operation", "machine"
    ).get_or_create(order=order, operation=operation, defaults={"plant_id": order.plant_id})
    return execution


def check_version(execution: OperationExecution, expected: int | None) -> None:
    if expected is not None and expected != execution.version:
        raise StaleVersion(
            f"{label(execution)} changed since you looked (it is "
            f"{execution.get_status_display().lower()} now); check it and try again.",
            detail={"version": execution.version, "status": execution.status},
        )


def label(execution: OperationExecution) -> str:
    return f"{execution.order.external_ref}/{execution.operation.sequence}"


@dataclass
class Step:
    """An operation event being applied: its locked rows, the time, and the event's fields."""

    execution: OperationExecution
    machine: Machine
    actor: Actor
    now: dt.datetime
    fields: dict[str, Any] = field(default_factory=dict)


def _operation_event(
    *,
    event_id: uuid.UUID,
    kind: str,
    order: ProductionOrder,
    operation: Operation,
    machine: Machine | None,
    expected_version: int | None,
    actor: Actor,
    note: str,
    apply: Callable[[Step], None],
) -> EventOutcome:
    execution = execution_for(order, operation)

    def body() -> WipEvent:
        machine_id = execution.machine_id or (machine.pk if machine else None)
        if machine_id is None:
            raise OperationStateConflict(
                f"{label(execution)} has not started; it cannot be {_PAST[kind]} before it starts."
            )
        locked_machine = lock_machine(machine_id)
        check_not_recorded(event_id)
        (current,) = lock_executions([execution.pk])
        if current.machine_id not in (None, machine_id):
            raise OperationStateConflict(f"{label(execution)} was started on another machine.")
        check_version(current, expected_version)
        step = Step(current, locked_machine, actor, timezone.now())
        apply(step)
        current.version += 1
        current.save()
        return WipEvent.objects.create(
            id=event_id,
            plant_id=order.plant_id,
            kind=kind,
            machine=locked_machine,
            execution=current,
            note=note.strip(),
            operator=actor.operator,
            user=actor.db_user,
            occurred_at=step.now,
            result=snapshot(kind, locked_machine, current),
            **step.fields,
        )

    return run_idempotent(
        event_id=event_id, kind=kind, subject=("execution", execution.pk), body=body
    )


# --- The four transitions -------------------------------------------------------------------


def _check_can_start(execution: OperationExecution, machine: Machine) -> None:
    operation = execution.operation
    if not OperationMachine.objects.filter(operation=operation, machine=machine).exists():
        raise OperationRuleViolation(
            f"{machine.code} cannot run step {operation.sequence} {operation.name}."
        )
    if machine.status != Machine.Status.AVAILABLE:
        raise OperationStateConflict(
            f"{machine.code} is {machine.get_status_display().lower()}; mark it up first."
        )
    running = list(
        OperationExecution.objects.filter(machine=machine, status=Status.RUNNING).select_related(
            "order", "operation"
        )
    )
    if len(running) >= machine.capacity:
        names = ", ".join(label(r) for r in running)
        raise OperationStateConflict(f"{machine.code} is already running {names}.")


def _check_predecessor(execution: OperationExecution) -> None:
    operation = execution.operation
    if operation.allows_overlap:
        return
    previous = (
        Operation.objects.filter(routing_id=operation.routing_id, sequence__lt=operation.sequence)
        .order_by("-sequence")
        .first()
    )
    if previous is None:
        return
    started = OperationExecution.objects.filter(
        order_id=execution.order_id, operation=previous, status__in=OperationExecution.STARTED
    ).exists()
    if not started:
        raise OperationRuleViolation(
            f"Step {previous.sequence} {previous.name} of {execution.order.external_ref} "
            "has not started yet."
        )


def _start(step: Step) -> None:
    ex = step.execution
    if ex.status != Status.PLANNED:
        raise OperationStateConflict(f"{label(ex)} is already {ex.get_status_display().lower()}.")
    _check_can_start(ex, step.machine)
    _check_predecessor(ex)
    order = lock_order(ex.order_id)
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
    return _operation_event(
        event_id=event_id,
        kind=Kind.START,
        order=order,
        operation=operation,
        machine=machine,
        expected_version=expected_version,
        actor=actor,
        note=note,
        apply=_start,
    )


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

    return _operation_event(
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

    return _operation_event(
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


def _advance_order(execution: OperationExecution, good: Decimal) -> None:
    """The order's completed quantity is what its last step made; done when every step is.
    `execution` is already completed (not yet saved)."""
    order = lock_order(execution.order_id)
    steps = dict(
        Operation.objects.filter(routing_id=execution.operation.routing_id).values_list(
            "pk", "sequence"
        )
    )
    if execution.operation.sequence == max(steps.values()):
        order.completed_quantity += good
    others_done = (
        OperationExecution.objects.filter(
            order_id=order.pk, operation_id__in=steps, status=Status.COMPLETED
        )
        .exclude(pk=execution.pk)
        .count()
    )
    done = others_done + 1 == len(steps)
    order.status = ProductionOrder.Status.DONE if done else ProductionOrder.Status.IN_PROGRESS
    order.save(update_fields=["status", "completed_quantity", "updated_at"])
    if done:
        announce("order.completed", order)


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
) -> EventOutcome:
    """running or paused → completed with good and scrap quantities; records the actual end
    and who completed it, and moves the order on (in progress, or done after its last step)."""
    good, scrap = _quantity(good, "good"), _quantity(scrap, "scrap")
    if good + scrap <= 0:
        raise OperationRuleViolation(
            "Enter the good and scrap quantities.", detail={"good": ["Both are zero."]}
        )

    def apply(step: Step) -> None:
        ex = step.execution
        if ex.status == Status.PLANNED:
            raise OperationStateConflict(f"{label(ex)} cannot be completed before it starts.")
        if ex.status == Status.COMPLETED:
            raise OperationStateConflict(f"{label(ex)} is already completed.")
        _close_pause(ex, step.now)
        ex.status, ex.actual_end, ex.completed_by = Status.COMPLETED, step.now, step.actor.operator
        ex.good_quantity += good
        ex.scrap_quantity += scrap
        step.fields.update(good_quantity=good, scrap_quantity=scrap)
        _advance_order(ex, good)

    return _operation_event(
        event_id=event_id,
        kind=Kind.COMPLETE,
        order=order,
        operation=operation,
        machine=None,
        expected_version=expected_version,
        actor=actor,
        note=note,
        apply=apply,
    )
