"""Periodic jobs (Celery beat): record each run, and tell which are late.

A job lives on a queue whose worker can die unseen (the stale-run sweeper, the idempotency
purge): every run is recorded here by the worker that ran it, and a job whose last run is
older than LATE_AFTER periods is late: `/healthz/jobs` answers 503 and `manage.py check_jobs`
fails, which the beat and default-worker containers use as their health checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from plant.models import PeriodicRun

LATE_AFTER = 3  # periods without a run
GRACE_S = 60.0


@dataclass(frozen=True)
class JobState:
    task: str
    every_s: float
    last_run_at: dt.datetime | None
    late: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "every_s": self.every_s,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "late": self.late,
        }


def periodic_tasks() -> dict[str, float]:
    """Each beat entry's task and its period in seconds."""
    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    return {str(entry["task"]): float(entry["schedule"]) for entry in schedule.values()}


def record_periodic_run(*, task: str, result: Any = None) -> None:
    PeriodicRun.objects.update_or_create(
        task=task,
        defaults={"last_run_at": timezone.now(), "result": result if result is not None else {}},
    )


def job_states(now: dt.datetime | None = None) -> list[JobState]:
    """Every periodic job, late when it has run before but not for LATE_AFTER periods (a job
    that has not run yet since the first deployment is not late: beat runs it one period
    after it starts)."""
    now = now or timezone.now()
    last = dict(PeriodicRun.objects.values_list("task", "last_run_at"))
    states = []
    for task, every in sorted(periodic_tasks().items()):
        ran = last.get(task)
        late = ran is not None and (now - ran).total_seconds() > LATE_AFTER * every + GRACE_S
        states.append(JobState(task=task, every_s=every, last_run_at=ran, late=late))
    return states
