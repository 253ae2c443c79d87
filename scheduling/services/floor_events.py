"""What every shop-floor event shares: who acts, recording it at most once per client id, and
the answer a retry gets back.

An event is one durable transaction whose last statement inserts the WipEvent with the id the
client chose as primary key. Nothing is looked up first: the first request pays for no check,
and a retry (same id) fails somewhere in the transaction (a stale version, a state that has
moved on, at the latest the primary key) and is rolled back whole. Only then is the id looked
up: found, the first answer is returned (`replayed`), or refused when the id names another
action; not found, the error stands. Two copies arriving at once queue on the machine's row
lock, and the second fails the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from plant.errors import DomainError
from plant.models import Machine
from scheduling.errors import EventIdReused
from scheduling.models import OperationExecution, WipEvent
from staffing.models import Operator

# What an event acts on: ("step", (order id, operation id)) or ("machine", machine id).
Subject = tuple[str, Any]


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
