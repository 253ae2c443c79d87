"""Celery tasks: thin, named, primitive arguments. The services do the work."""

from __future__ import annotations

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from scheduling.models import ScheduleRun
from scheduling.planning.worker import SOLVE_RUN, execute_run, finish_run, sweep_stale_runs


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
