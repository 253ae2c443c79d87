"""Celery tasks: thin, named, primitive arguments. The services do the work."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_shutting_down
from django.db import DatabaseError

from scheduling.models import ScheduleRun
from scheduling.planning.worker import (
    SOLVE_RUN,
    execute_run,
    finish_run,
    hand_back_runs,
    sweep_stale_runs,
)

log = logging.getLogger(__name__)


@shared_task(name=SOLVE_RUN, bind=True, acks_late=True, reject_on_worker_lost=True)
def solve_run_task(self: Task, run_id: int, attempt: int) -> None:
    try:
        execute_run(run_id=run_id, attempt=attempt, worker=self.request.hostname or "worker")
    except SoftTimeLimitExceeded:
        finish_run(
            run_id=run_id,
            attempt=attempt,
            status=ScheduleRun.Status.TIMED_OUT,
            error="The run exceeded the worker's time limit.",
        )


@shared_task(name="scheduling.sweep_stale_runs")
def sweep_stale_runs_task() -> dict[str, int]:
    return sweep_stale_runs()


@worker_shutting_down.connect
def _hand_back_runs(sender: Any = None, **_: Any) -> None:
    """On a warm shutdown (SIGTERM: a deploy, a scale-down) this worker's solves go back to
    the queue at once; `docker-compose.yml` gives the worker time to notice and exit."""
    try:
        hand_back_runs(worker=str(sender or ""))
    except DatabaseError:
        log.exception("worker %s: could not hand its runs back; the sweeper will", sender)
