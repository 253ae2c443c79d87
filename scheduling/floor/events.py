"""What every shop-floor event shares: who acts, recording it at most once per client id, the
answer a retry gets back, and for operation events the locks and the version check.

An event is one durable transaction whose last statement inserts the WipEvent with the id the
client chose as primary key. Nothing is looked up first: the first request pays for no check,
and a retry (same id) fails somewhere in the transaction (a stale version, a state that has
moved on, at the latest the primary key) and is rolled back whole. Only then is the id looked
up: found, the first answer is returned (`replayed`), or refused when the id names another
action; not found, the error stands. Two copies arriving at once queue on the machine's row
lock, and the second fails the same way.

Operation events lock the machine (the one to start on, else the one the step runs on), then
the step's execution together with its order in one statement (scheduling/locks.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from plant.errors import DomainError
from plant.models import Machine, Operation
from scheduling.errors import (
    EventIdReused,
    OperationRuleViolation,
    OperationStateConflict,
    StaleVersion,
)
from scheduling.locks import lock_machine, lock_machine_of_step, lock_step
from scheduling.models import OperationExecution, ProductionOrder, WipEvent
from staffing.models import Operator

# What an event acts on: ("step", (order id, operation id)) or ("machine", machine id).
Subject = tuple[str, Any]
PAST = {"pause": "paused", "resume": "resumed", "complete": "completed", "report": "reported"}


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


def _recorded_subject(event: WipEvent, kind: str) -> Subject:
    if event.execution is not None and kind in WipEvent.OPERATION_KINDS:
        return ("step", (event.execution.order_id, event.execution.operation_id))
    return ("machine", event.machine_id)


def _replay(event: WipEvent, kind: str, subject: Subject) -> EventOutcome:
    if event.kind != kind or _recorded_subject(event, kind) != subject:
        raise EventIdReused(
            f"Event {event.pk} was already used for a different action ({event.kind}).",
            detail={"event_id": [str(event.pk)]},
        )
    return EventOutcome(event=event, replayed=True)


def record_once(
    *, event_id: uuid.UUID, kind: str, subject: Subject, body: Callable[[], WipEvent]
) -> EventOutcome:
    """Run `body` in one durable transaction, at most once per event id; else replay.

    `body` takes the machine's row lock first and inserts the WipEvent (`event_id`) last.
    `subject` names what the event acts on, so an id reused for another action is refused
    (409) rather than answered with an unrelated result.
    """
    try:
        with transaction.atomic(durable=True):
            return EventOutcome(event=body(), replayed=False)
    except (DomainError, IntegrityError):
        existing = WipEvent.objects.select_related("execution").filter(pk=event_id).first()
        if existing is None:
            raise
    return _replay(existing, kind, subject)


def snapshot(
    kind: str,
    machine: Machine,
    execution: OperationExecution | None,
    *,
    machine_version: int | None = None,
) -> dict[str, Any]:
    """What the first request answered; a replay answers the same. Machine events give the
    machine's version (for If-Match on down and up); operation events do not read it."""
    state: dict[str, Any] = {"code": machine.code, "status": str(machine.status)}
    if machine_version is not None:
        state["version"] = machine_version
    data: dict[str, Any] = {"kind": str(kind), "machine": state}
    if execution is not None:
        data["operation"] = execution_json(execution)
    return data


def execution_json(execution: OperationExecution) -> dict[str, Any]:
    """`execution` comes with its order, operation and machine loaded (no query here)."""
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


# --- Operation events: lock, check the version, apply, record ---------------------------


def label(execution: OperationExecution) -> str:
    return f"{execution.order.external_ref}/{execution.operation.sequence}"


def check_version(execution: OperationExecution, expected: int | None) -> None:
    if expected is not None and expected != execution.version:
        raise StaleVersion(
            f"{label(execution)} changed since you looked (it is "
            f"{execution.get_status_display().lower()} now); check it and try again.",
            detail={"version": execution.version, "status": execution.status},
        )


@dataclass
class Step:
    """An operation event being applied: the locked execution (with its locked order, its
    operation and the columns asked for), the locked machine, the time, the event's fields."""

    execution: Any  # OperationExecution with annotations
    machine: Machine
    actor: Actor
    now: dt.datetime
    fields: dict[str, Any] = field(default_factory=dict)


def _locked_rows(
    kind: str,
    order: ProductionOrder,
    operation: Operation,
    machine: Machine | None,
    facts: dict[str, Any],
) -> tuple[Machine, Any]:
    """Lock the machine (the one given to start on, else the one the step runs on), then the
    step with its order. A start creates the step's row first if it has none yet."""
    if machine is not None:
        locked_machine = lock_machine(machine.pk)
        OperationExecution.objects.bulk_create(
            [OperationExecution(plant_id=order.plant_id, order=order, operation=operation)],
            ignore_conflicts=True,
        )
    else:
        found = lock_machine_of_step(order.pk, operation.pk)
        if found is None:
            raise OperationStateConflict(
                f"{order.external_ref}/{operation.sequence} has not started; it cannot be "
                f"{PAST[kind]} before it starts."
            )
        locked_machine = found
    current = lock_step(order.pk, operation.pk, **facts)
    if current.machine_id not in (None, locked_machine.pk):
        raise OperationStateConflict(f"{label(current)} was started on another machine.")
    current.machine = locked_machine if current.machine_id else None
    return locked_machine, current


def operation_event(
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
    facts: dict[str, Any] | None = None,
) -> EventOutcome:
    """`operation` comes with its routing loaded; `facts` are columns to read with the step."""
    if operation.routing.item_id != order.item_id:
        raise OperationRuleViolation(
            f"Step {operation.sequence} is not part of {order.external_ref}'s routing."
        )

    def body() -> WipEvent:
        locked_machine, current = _locked_rows(kind, order, operation, machine, facts or {})
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

    subject = ("step", (order.pk, operation.pk))
    return record_once(event_id=event_id, kind=kind, subject=subject, body=body)
