"""What has happened on the floor that a new plan must respect: steps completed, steps
started (on which machine, worked how long) and machines down. The floor writes these facts
(`scheduling.floor`); planning reads them here, so planning never imports the floor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from plant.models import Plant
from scheduling.models import Downtime, OperationExecution

Status = OperationExecution.Status


@dataclass
class StartedStep:
    machine_id: int
    worked_min: float  # running time so far, pauses excluded


@dataclass
class FloorActuals:
    """What a reschedule must respect, read at `origin` (the new run's horizon start)."""

    completed: set[tuple[int, int]]
    started: dict[tuple[int, int], StartedStep]
    down: dict[int, dt.datetime | None]  # machine pk → expected return


def floor_actuals(plant: Plant, origin: dt.datetime) -> FloorActuals:
    """Completed and started order steps, and machines down, for a reschedule. Three queries."""
    executions = list(OperationExecution.objects.filter(plant=plant).exclude(status=Status.PLANNED))
    paused: dict[int, float] = defaultdict(float)
    for d in Downtime.objects.filter(execution__in=[e.pk for e in executions]):
        paused[d.execution_id] += ((d.ended_at or origin) - d.started_at).total_seconds() / 60
    started = {
        (e.order_id, e.operation_id): StartedStep(
            machine_id=e.machine_id,
            worked_min=max(0.0, (origin - e.actual_start).total_seconds() / 60 - paused[e.pk])
            if e.actual_start
            else 0.0,
        )
        for e in executions
        if e.status in (Status.RUNNING, Status.PAUSED)
    }
    down = {
        d.machine_id: d.expected_return
        for d in Downtime.objects.filter(plant=plant, machine_down=True, ended_at=None)
    }
    return FloorActuals(
        completed={
            (e.order_id, e.operation_id) for e in executions if e.status == Status.COMPLETED
        },
        started=started,
        down=down,
    )
