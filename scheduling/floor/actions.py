"""One door for every shop-floor action.

The tablet pages (`views.py`) and the API (`api.py`) each parse their input their own way (a
form and the session's operator; JSON, If-Match and a badge) into a `StepAction` or a
`MachineAction`, and hand it to `record_step_action` or `record_machine_action`, which call
the service. Both doors therefore do the same thing with the same rules.

A new floor action: its service in `operations.py` (a routing step) or `downtime.py` (a
machine), its name in `STEP_ACTIONS` or `MACHINE_ACTIONS`, a branch here, and the fields it
needs parsed by each door (a form in `forms.py`, a serializer field in `serializers.py`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plant.models import Machine, Operation
from scheduling.errors import OperationRuleViolation
from scheduling.floor import downtime, operations
from scheduling.floor.operations import Actor, EventOutcome
from scheduling.models import DowntimeReason, ProductionOrder

STEP_ACTIONS = ("start", "pause", "resume", "report", "complete")
MACHINE_ACTIONS = ("down", "up", "downtime", "note")


@dataclass(frozen=True)
class StepAction:
    """An action on one routing step of an order, as either door parsed it."""

    action: str  # one of STEP_ACTIONS
    event_id: uuid.UUID  # the client's: a retry with the same id counts once
    order: ProductionOrder
    operation: Operation
    actor: Actor
    expected_version: int  # the step's version as last read (0: never touched)
    note: str = ""
    machine: Machine | None = None  # start: where it runs
    reason: DowntimeReason | None = None  # pause: why
    good: Decimal | None = None  # report, complete: made since the last report
    scrap: Decimal = Decimal(0)
    confirm_over: bool = False  # quantities far above the order's were confirmed


@dataclass(frozen=True)
class MachineAction:
    """An action on a machine, as either door parsed it."""

    action: str  # one of MACHINE_ACTIONS
    event_id: uuid.UUID
    machine: Machine
    actor: Actor
    note: str = ""
    reason: DowntimeReason | None = None  # down, downtime
    expected_return: dt.datetime | None = None  # down
    minutes: int = 0  # downtime: a stop already over, ending now
    expected_version: int | None = None  # down, up: the machine's version as last read


def record_step_action(step: StepAction) -> EventOutcome:
    common: dict[str, Any] = {
        "event_id": step.event_id,
        "order": step.order,
        "operation": step.operation,
        "actor": step.actor,
        "expected_version": step.expected_version,
        "note": step.note,
    }
    if step.action == "start":
        if step.machine is None:
            raise OperationRuleViolation("Say which machine.", detail={"machine": ["Required."]})
        return operations.start_operation(machine=step.machine, **common)
    if step.action == "pause":
        if step.reason is None:
            raise OperationRuleViolation("Give a reason.", detail={"reason": ["Required."]})
        return operations.pause_operation(reason=step.reason, **common)
    if step.action == "resume":
        return operations.resume_operation(**common)
    if step.action not in ("report", "complete"):
        raise ValueError(f"Not a step action: {step.action!r}")
    if step.good is None:
        raise OperationRuleViolation("Give the good quantity.", detail={"good": ["Required."]})
    quantities: dict[str, Any] = {
        "good": step.good,
        "scrap": step.scrap,
        "confirm_over": step.confirm_over,
    }
    if step.action == "report":
        return operations.report_quantities(**quantities, **common)
    return operations.complete_operation(**quantities, **common)


def record_machine_action(act: MachineAction) -> EventOutcome:
    common: dict[str, Any] = {"event_id": act.event_id, "machine": act.machine, "actor": act.actor}
    if act.action == "up":
        return downtime.mark_machine_up(
            note=act.note, expected_version=act.expected_version, **common
        )
    if act.action == "note":
        return downtime.add_note(note=act.note, **common)
    if act.action not in ("down", "downtime"):
        raise ValueError(f"Not a machine action: {act.action!r}")
    if act.reason is None:
        raise OperationRuleViolation("Give a reason.", detail={"reason": ["Required."]})
    if act.action == "down":
        return downtime.mark_machine_down(
            reason=act.reason,
            expected_return=act.expected_return,
            note=act.note,
            expected_version=act.expected_version,
            **common,
        )
    return downtime.record_downtime(reason=act.reason, minutes=act.minutes, note=act.note, **common)
