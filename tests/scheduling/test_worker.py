"""Runs on a real Celery worker process (not eager mode), against the test database.

Needs PostgreSQL (the worker is another process and must see the test database); uses Redis
as the broker when REDIS_URL is set, else the filesystem transport. In CI both are required.
"""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest
from django.conf import settings

from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run, request_cancel
from scheduling.planning.worker import sweep_stale_runs
from tests.factories.plant import ItemFactory
from tests.workers import eventually, purge_broker, unacknowledged_messages, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
Status = ScheduleRun.Status


def start_run(plant, horizon, time_limit_s: int) -> ScheduleRun:
    return create_run(
        plant=plant,
        name="Worker test",
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=RunSettings(time_limit_s=time_limit_s, workers=1),
    )


def test_a_real_worker_claims_solves_and_records_a_run(demo_plant, horizon, start_worker) -> None:
    start_worker()
    run = wait_for(start_run(demo_plant, horizon, 3), lambda r: r.is_final)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.worker.startswith("test0@")
    assert ScheduledOperation.objects.filter(run=run).count() == run.kpis["operations"]


def test_cancelling_on_a_real_worker_stops_the_solve_and_keeps_its_best_schedule(
    demo_plant, horizon, start_worker
) -> None:
    start_worker()
    run = wait_for(
        start_run(demo_plant, horizon, 120),
        lambda r: r.status == Status.RUNNING and r.best_objective is not None,
    )
    request_cancel(run=run)
    run = wait_for(run, lambda r: r.is_final, timeout=30)
    assert run.status == Status.CANCELLED and run.elapsed_s < 60
    assert ScheduledOperation.objects.filter(run=run).exists()


def test_a_worker_stopped_for_a_deploy_hands_its_solve_back_at_once(
    demo_plant, horizon, start_worker
) -> None:
    first = start_worker()
    run = wait_for(start_run(demo_plant, horizon, 60), lambda r: r.status == Status.RUNNING)
    os.kill(first.pid, signal.SIGTERM)  # what `docker compose stop` sends to the main process
    run = wait_for(run, lambda r: r.attempt == 2, timeout=10)
    assert run.status == Status.QUEUED
    first.wait(timeout=20)  # the old solve noticed it lost the run and stopped
    start_worker()
    run = wait_for(run, lambda r: r.is_final, timeout=120)
    assert run.status == Status.SUCCEEDED and run.worker.startswith("test1@")
    purge_broker()


def test_a_worker_killed_mid_solve_leaves_the_run_requeued_then_solved_never_stuck(
    demo_plant, horizon, start_worker
) -> None:
    first = start_worker()
    run = wait_for(start_run(demo_plant, horizon, 6), lambda r: r.status == Status.RUNNING)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    # The dead worker's last heartbeat ages until the sweeper finds it 2 s old.
    swept = eventually(
        lambda: sweep_stale_runs(stale_after_s=2, max_attempts=2), lambda r: r["requeued"] > 0
    )
    assert swept == {"requeued": 1, "failed": 0, "cancelled": 0, "resent": 0}
    start_worker()
    run = wait_for(run, lambda r: r.is_final)
    assert run.status == Status.SUCCEEDED and run.attempt == 2 and run.worker.startswith("test1@")
    # The killed worker never acknowledged attempt 1's message: the broker would redeliver it
    # to whichever worker runs after its visibility timeout. Purged here, as after every test.
    assert unacknowledged_messages() == (1 if settings.REDIS_URL else 0)
    purge_broker()
    assert unacknowledged_messages() == 0


def test_on_a_real_worker_an_order_whose_item_has_no_routing_fails_the_run_by_name(
    demo_plant, horizon, start_worker
) -> None:
    item = ItemFactory(plant=demo_plant, code="PROTO-9")
    ProductionOrder.objects.create(
        plant=demo_plant,
        external_ref="SO-PROTO",
        item=item,
        quantity=3,
        release_at=horizon[0],
        due_at=horizon[0] + dt.timedelta(days=1),
    )
    start_worker()
    run = wait_for(start_run(demo_plant, horizon, 3), lambda r: r.is_final)
    assert run.status == Status.FAILED and run.attempt == 1
    assert "SO-PROTO (PROTO-9)" in run.error and "no routing" in run.error
    assert not ScheduledOperation.objects.filter(run=run).exists()
