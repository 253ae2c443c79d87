"""Machine events on the shop floor: down and up, recorded downtime, notes; the reason
catalogue. Each is an append-only WipEvent with a client-chosen id, recorded at most once
(services/floor_events.py). Marking a machine down or up checks and moves on the machine's
version (MachineState) under the machine's lock, as operation events do with the step's."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.utils import timezone

from plant.models import Machine
from scheduling.errors import OperationRuleViolation, OperationStateConflict, StaleVersion
from scheduling.floor.events import Actor, EventOutcome, record_once, snapshot
from scheduling.hooks import announce
from scheduling.locks import lock_executions, lock_machine
from scheduling.models import (
    Downtime,
    DowntimeReason,
    MachineState,
    OperationExecution,
    WipEvent,
)

Kind = WipEvent.Kind
MAX_DOWNTIME_MINUTES = 24 * 60

# The catalogue a new installation starts with (the data migration 0006 seeds the same).
DEFAULT_REASONS = [
    ("breakdown", "Breakdown", "unplanned", 10),
    ("no-material", "No material", "unplanned", 20),
    ("no-operator", "No operator", "unplanned", 30),
    ("changeover-overrun", "Changeover overrun", "unplanned", 40),
    ("quality-hold", "Quality hold", "unplanned", 50),
    ("planned-maintenance", "Planned maintenance", "planned", 60),
    ("break", "Break or meeting", "planned", 70),
    ("cleaning", "Cleaning", "planned", 80),
]


def ensure_downtime_reasons() -> int:
    """Add the default reasons that are missing (e.g. after a test flushed the table)."""
    added = 0
    for code, name, kind, position in DEFAULT_REASONS:
        _, new = DowntimeReason.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "position": position}
        )
        added += new
    return added


def _bump_version(machine: Machine, expected: int | None) -> int:
    """Check and move on the machine's up/down version; the machine's lock is held."""
    state, _ = MachineState.objects.get_or_create(machine=machine)
    if expected is not None and expected != state.version:
        raise StaleVersion(
            f"{machine.code} changed since you looked (it is "
            f"{machine.get_status_display().lower()} now); check it and try again.",
            detail={"version": state.version, "status": machine.status},
        )
    state.version += 1
    state.save(update_fields=["version"])
    return state.version


def _machine_event(
    *,
    event_id: uuid.UUID,
    kind: str,
    machine: Machine,
    actor: Actor,
    apply: Callable[[Machine, dt.datetime], dict[str, object]],
    note: str = "",
    expected_version: int | None = None,
    changes_state: bool = False,
) -> EventOutcome:
    """One machine event. Those that change the machine's state (down, up) check and move
    on its version; the others are facts that do not depend on it."""

    def body() -> WipEvent:
        locked = lock_machine(machine.pk)
        now = timezone.now()
        if changes_state:
            version = _bump_version(locked, expected_version)
        else:
            version = machine_version(locked)
        fields = apply(locked, now)
        return WipEvent.objects.create(
            id=event_id,
            plant_id=locked.plant_id,
            kind=kind,
            machine=locked,
            note=note.strip(),
            operator=actor.operator,
            user=actor.db_user,
            occurred_at=now,
            result=snapshot(kind, locked, None, machine_version=version),
            **fields,
        )

    return record_once(event_id=event_id, kind=kind, subject=("machine", machine.pk), body=body)


def machine_version(machine: Machine) -> int:
    """The machine's up/down version (0 before it first went down), for If-Match."""
    state = MachineState.objects.filter(machine=machine).first()
    return state.version if state else 0


def mark_machine_down(
    *,
    event_id: uuid.UUID,
    machine: Machine,
    reason: DowntimeReason,
    actor: Actor,
    expected_return: dt.datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> EventOutcome:
    """available → down, with a reason and an expected return; operations running on it are
    paused (their versions move on, and the machine's). The down span lasts until the
    machine is marked up. `expected_version`: the machine's version the user saw."""

    def apply(locked: Machine, now: dt.datetime) -> dict[str, object]:
        if locked.status != Machine.Status.AVAILABLE:
            raise OperationStateConflict(
                f"{locked.code} is already {locked.get_status_display().lower()}."
            )
        if expected_return is not None and expected_return <= now:
            raise OperationRuleViolation(
                "The expected return must be in the future.",
                detail={"expected_return": ["In the past."]},
            )
        running = OperationExecution.objects.filter(
            machine=locked, status=OperationExecution.Status.RUNNING
        ).values_list("pk", flat=True)
        for execution in lock_executions(list(running)):
            execution.status = OperationExecution.Status.PAUSED
            execution.version += 1
            execution.save(update_fields=["status", "version", "updated_at"])
        locked.status = Machine.Status.DOWN
        locked.save(update_fields=["status", "updated_at"])
        Downtime.objects.create(
            plant_id=locked.plant_id,
            machine=locked,
            reason=reason,
            started_at=now,
            expected_return=expected_return,
            machine_down=True,
            note=note.strip(),
        )
        announce("machine.down", locked)
        return {"reason": reason, "expected_return": expected_return}

    return _machine_event(
        event_id=event_id,
        kind=Kind.MACHINE_DOWN,
        machine=machine,
        actor=actor,
        apply=apply,
        note=note,
        expected_version=expected_version,
        changes_state=True,
    )


def mark_machine_up(
    *,
    event_id: uuid.UUID,
    machine: Machine,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
) -> EventOutcome:
    """down → available; closes the down span. Paused operations wait for their operator."""

    def apply(locked: Machine, now: dt.datetime) -> dict[str, object]:
        if locked.status != Machine.Status.DOWN:
            raise OperationStateConflict(f"{locked.code} is not down.")
        locked.status = Machine.Status.AVAILABLE
        locked.save(update_fields=["status", "updated_at"])
        Downtime.objects.filter(machine=locked, machine_down=True, ended_at=None).update(
            ended_at=now
        )
        return {}

    return _machine_event(
        event_id=event_id,
        kind=Kind.MACHINE_UP,
        machine=machine,
        actor=actor,
        apply=apply,
        note=note,
        expected_version=expected_version,
        changes_state=True,
    )


def record_downtime(
    *,
    event_id: uuid.UUID,
    machine: Machine,
    reason: DowntimeReason,
    minutes: int,
    actor: Actor,
    note: str = "",
) -> EventOutcome:
    """A stop that is already over: `minutes` long, ending now."""
    if not 1 <= minutes <= MAX_DOWNTIME_MINUTES:
        raise OperationRuleViolation(
            f"Downtime is 1 to {MAX_DOWNTIME_MINUTES} minutes.", detail={"minutes": [str(minutes)]}
        )

    def apply(locked: Machine, now: dt.datetime) -> dict[str, object]:
        Downtime.objects.create(
            plant_id=locked.plant_id,
            machine=locked,
            reason=reason,
            started_at=now - dt.timedelta(minutes=minutes),
            ended_at=now,
            note=note.strip(),
        )
        return {"reason": reason, "minutes": minutes}

    return _machine_event(
        event_id=event_id, kind=Kind.DOWNTIME, machine=machine, actor=actor, apply=apply, note=note
    )


def add_note(*, event_id: uuid.UUID, machine: Machine, note: str, actor: Actor) -> EventOutcome:
    """A free-text note on the machine's log (shift handover, a quality remark)."""
    if not note.strip():
        raise OperationRuleViolation("Write the note first.", detail={"note": ["Empty."]})
    return _machine_event(
        event_id=event_id,
        kind=Kind.NOTE,
        machine=machine,
        actor=actor,
        apply=lambda locked, now: {},
        note=note,
    )
