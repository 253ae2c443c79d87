"""Periodic jobs are written down when they run, and one that stopped running is noticed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from plant.models import PeriodicRun
from plant.services.jobs import job_states

pytestmark = pytest.mark.django_db


def test_a_periodic_task_records_its_run_when_a_worker_runs_it() -> None:
    from scheduling.tasks import sweep_stale_runs_task

    sweep_stale_runs_task.apply()
    run = PeriodicRun.objects.get(task="scheduling.sweep_stale_runs")
    assert run.result == {"requeued": 0, "failed": 0, "cancelled": 0, "resent": 0}
    assert not any(state.late for state in job_states())


def test_a_job_that_stopped_running_is_late_in_healthz_and_fails_check_jobs(client) -> None:
    call_command("check_jobs")  # nothing has run yet: not late
    PeriodicRun.objects.create(
        task="scheduling.sweep_stale_runs", last_run_at=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client.get("/healthz/jobs")
    assert response.status_code == 503 and response.json()["status"] == "late"
    late = [job["task"] for job in response.json()["jobs"] if job["late"]]
    assert late == ["scheduling.sweep_stale_runs"]
    with pytest.raises(CommandError, match=r"late: scheduling\.sweep_stale_runs"):
        call_command("check_jobs")
    PeriodicRun.objects.update(last_run_at=timezone.now())
    assert client.get("/healthz/jobs").status_code == 200
