"""A run's life: created and queued, claimed once, solved with progress, cancelled, swept,
published. These call the services in-process; test_worker.py runs a real Celery worker."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from plant.errors import RuleViolation, StateConflict
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run, publish_run, request_cancel
from scheduling.planning.worker import claim_run, execute_run, sweep_stale_runs
from tests.factories.plant import ItemFactory

Status = ScheduleRun.Status


def new_run(plant, horizon, **kwargs) -> ScheduleRun:
    settings = RunSettings.parse({"time_limit_s": 2, "workers": 1, **kwargs.pop("settings", {})})
    return create_run(
        plant=plant,
        name="Test",
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=settings,
        **kwargs,
    )


def claimed_by_a_worker_that_went_silent(run: ScheduleRun) -> None:
    claim_run(run_id=run.pk, attempt=1, worker="dead")
    ScheduleRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )


@pytest.mark.django_db(transaction=True)
def test_a_run_is_enqueued_only_after_its_row_is_committed(demo_plant, horizon, no_enqueue) -> None:
    run = new_run(demo_plant, horizon)
    assert no_enqueue == [(run.pk, 1)]
    assert (
        run.status == Status.QUEUED and run.orders.count() == ProductionOrder.objects.open().count()
    )


@pytest.mark.django_db
def test_bad_settings_are_refused_with_the_field_named(demo_plant, horizon, no_enqueue) -> None:
    with pytest.raises(RuleViolation) as error:
        new_run(demo_plant, horizon, settings={"time_limit_s": 0})
    assert "time_limit_s" in error.value.detail
    with pytest.raises(RuleViolation, match="Unknown objective part"):
        new_run(demo_plant, horizon, settings={"weights": {"happiness": 3}})
    assert not ScheduleRun.objects.exists() and no_enqueue == []


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_delivery_never_solves_twice(demo_plant, horizon, no_enqueue) -> None:
    run = new_run(demo_plant, horizon)
    assert claim_run(run_id=run.pk, attempt=1, worker="a") is True
    assert claim_run(run_id=run.pk, attempt=1, worker="b") is False
    assert ScheduleRun.objects.get(pk=run.pk).worker == "a"


@pytest.mark.django_db(transaction=True)
def test_a_run_solves_records_its_schedule_progress_and_kpis(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon)
    execute_run(run_id=run.pk, attempt=1, worker="test")
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error
    operations = ScheduledOperation.objects.filter(run=run).count()
    assert operations == run.kpis["operations"] > 200
    assert run.progress and run.best_objective is not None
    assert 0 <= run.kpis["on_time_pct"] <= 100 and "MIL-01" in run.kpis["utilisation"]


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_order_has_no_routing_fails_with_a_message_naming_it(
    demo_plant, horizon, no_enqueue
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
    run = new_run(demo_plant, horizon)
    execute_run(run_id=run.pk, attempt=1, worker="test")
    run.refresh_from_db()
    assert run.status == Status.FAILED and "SO-PROTO (PROTO-9)" in run.error


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_running_solve_keeps_the_best_schedule_so_far(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon, settings={"time_limit_s": 60})
    worker = threading.Thread(
        target=execute_run, kwargs={"run_id": run.pk, "attempt": 1, "worker": "t"}
    )
    started = timezone.now()
    worker.start()
    for _ in range(200):
        run.refresh_from_db()
        if run.status == Status.RUNNING and run.best_objective is not None:
            break
        threading.Event().wait(0.05)
    request_cancel(run=run)
    worker.join(timeout=30)
    run.refresh_from_db()
    assert run.status == Status.CANCELLED
    assert run.finished_at - started < dt.timedelta(seconds=20)
    assert ScheduledOperation.objects.filter(run=run).exists() and run.can_publish()


@pytest.mark.django_db(transaction=True)
def test_a_stale_run_is_requeued_with_a_new_attempt_and_the_old_one_can_no_longer_write(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon)
    claimed_by_a_worker_that_went_silent(run)
    assert sweep_stale_runs(stale_after_s=60, max_attempts=2) == {
        "requeued": 1,
        "failed": 0,
        "cancelled": 0,
        "resent": 0,
    }
    assert no_enqueue[-1] == (run.pk, 2)
    assert claim_run(run_id=run.pk, attempt=1, worker="zombie") is False
    execute_run(run_id=run.pk, attempt=2, worker="fresh")
    assert ScheduleRun.objects.get(pk=run.pk).status == Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_run_that_keeps_losing_its_worker_fails_with_a_reason(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon)
    claimed_by_a_worker_that_went_silent(run)
    assert sweep_stale_runs(stale_after_s=60, max_attempts=1) == {
        "requeued": 0,
        "failed": 1,
        "cancelled": 0,
        "resent": 0,
    }
    run.refresh_from_db()
    assert run.status == Status.FAILED and "stopped responding" in run.error


@pytest.mark.django_db(transaction=True)
def test_publishing_makes_one_run_the_plants_schedule_and_keeps_the_previous_as_history(
    demo_plant, horizon, no_enqueue
) -> None:
    first, second = new_run(demo_plant, horizon), new_run(demo_plant, horizon)
    for run in (first, second):
        execute_run(run_id=run.pk, attempt=1, worker="t")
    publish_run(run=ScheduleRun.objects.get(pk=first.pk))
    publish_run(run=ScheduleRun.objects.get(pk=second.pk))
    published = ScheduleRun.objects.filter(plant=demo_plant, is_published=True)
    assert list(published.values_list("pk", flat=True)) == [second.pk]
    assert ScheduleRun.objects.get(pk=first.pk).published_at is not None
    with pytest.raises(StateConflict, match="already the published"):
        publish_run(run=ScheduleRun.objects.get(pk=second.pk))


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_cannot_be_published(demo_plant, horizon, no_enqueue) -> None:
    run = new_run(demo_plant, horizon)
    request_cancel(run=run)
    with pytest.raises(StateConflict, match="Only a finished run with a schedule"):
        publish_run(run=ScheduleRun.objects.get(pk=run.pk))


@pytest.mark.django_db(transaction=True)
def test_utilisation_never_exceeds_one_even_when_operations_pause_over_nights(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon)
    execute_run(run_id=run.pk, attempt=1, worker="t")
    run.refresh_from_db()
    assert max(run.kpis["utilisation"].values()) <= 1.0
    assert max(run.kpis["utilisation_by_work_centre"].values()) <= 1.0
    assert run.progress[-1][0] == pytest.approx(run.elapsed_s, abs=0.05)


@pytest.mark.django_db(transaction=True)
def test_a_frozen_horizon_keeps_the_published_plan_until_then_and_replans_the_rest(
    demo_plant, horizon, no_enqueue
) -> None:
    from scheduling.planning.worker import execute_run as solve_now

    published = new_run(demo_plant, horizon)
    solve_now(run_id=published.pk, attempt=1, worker="t")
    publish_run(run=ScheduleRun.objects.get(pk=published.pk))
    frozen_until = horizon[0] + dt.timedelta(days=3)
    replan = new_run(
        demo_plant,
        horizon,
        scenario={"frozen_until": frozen_until.isoformat(), "overtime_allowed": False},
    )
    assert replan.base_run_id == published.pk
    solve_now(run_id=replan.pk, attempt=1, worker="t")
    assert ScheduleRun.objects.get(pk=replan.pk).status == ScheduleRun.Status.SUCCEEDED
    before = {
        (o.order_id, o.operation_id): (o.machine_label, o.start, o.end)
        for o in ScheduledOperation.objects.filter(run=published, setup_start__lt=frozen_until)
    }
    after = {
        (o.order_id, o.operation_id): (o.machine_label, o.start, o.end)
        for o in ScheduledOperation.objects.filter(run=replan)
    }
    assert before and all(after[key] == value for key, value in before.items())


@pytest.mark.django_db(transaction=True)
def test_a_stale_run_whose_cancel_was_asked_for_ends_cancelled_instead_of_requeued(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon)
    claimed_by_a_worker_that_went_silent(run)
    request_cancel(run=run)
    assert sweep_stale_runs(stale_after_s=60, max_attempts=2) == {
        "requeued": 0,
        "failed": 0,
        "cancelled": 1,
        "resent": 0,
    }
    run.refresh_from_db()
    assert (run.status, run.attempt) == (Status.CANCELLED, 1) and no_enqueue == [(run.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_message_for_a_run_whose_cancel_was_asked_for_is_not_claimed(
    demo_plant, horizon, no_enqueue
) -> None:
    run = new_run(demo_plant, horizon)
    ScheduleRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    assert claim_run(run_id=run.pk, attempt=1, worker="late") is False
    run.refresh_from_db()
    assert (run.status, run.worker) == (Status.QUEUED, "")


@pytest.mark.django_db(transaction=True)
def test_a_message_that_is_not_claimed_solves_nothing_and_changes_nothing(
    demo_plant, horizon, no_enqueue, monkeypatch
) -> None:
    import scheduling.planning.worker as execution

    def must_not_solve(*args, **kwargs):
        raise AssertionError("solved a run it had not claimed")

    monkeypatch.setattr(execution, "solve", must_not_solve)
    run = new_run(demo_plant, horizon)
    assert claim_run(run_id=run.pk, attempt=1, worker="owner") is True
    execute_run(run_id=run.pk, attempt=1, worker="duplicate")
    run.refresh_from_db()
    assert (run.status, run.worker, run.error) == (Status.RUNNING, "owner", "")


@pytest.mark.django_db(transaction=True)
def test_a_result_that_arrives_after_the_run_was_requeued_is_dropped(
    demo_plant, horizon, no_enqueue, monkeypatch
) -> None:
    """The worker was presumed dead and its run re-queued while it was still solving: its
    late result must not overwrite the new attempt's."""
    import scheduling.planning.worker as execution

    real_solve = execution.solve

    def solve_then_lose_the_run(problem, **kwargs):
        solution = real_solve(problem, **kwargs)
        claimed_by_a_worker_that_went_silent_meanwhile(run)
        return solution

    def claimed_by_a_worker_that_went_silent_meanwhile(run: ScheduleRun) -> None:
        ScheduleRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
        )
        assert sweep_stale_runs(stale_after_s=60, max_attempts=2)["requeued"] == 1

    monkeypatch.setattr(execution, "solve", solve_then_lose_the_run)
    run = new_run(demo_plant, horizon, settings={"time_limit_s": 1})
    execute_run(run_id=run.pk, attempt=1, worker="presumed-dead")
    run.refresh_from_db()
    assert (run.status, run.attempt, run.kpis) == (Status.QUEUED, 2, {})
    assert not ScheduledOperation.objects.filter(run=run).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_notices_at_its_next_heartbeat_that_it_lost_its_run(
    demo_plant, horizon, no_enqueue
) -> None:
    from scheduling.planning.worker import RunMonitor
    from scheduling.solver import Progress

    run = new_run(demo_plant, horizon)
    assert claim_run(run_id=run.pk, attempt=1, worker="slow") is True
    monitor = RunMonitor(run_id=run.pk, attempt=1)
    monitor.on_progress(Progress(elapsed_s=0.5, objective=50, bound=1, gap=0.98))
    monitor.pump()
    assert monitor.should_stop() is False
    assert ScheduleRun.objects.get(pk=run.pk).best_objective == 50
    ScheduleRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    sweep_stale_runs(stale_after_s=60, max_attempts=2)
    monitor.on_progress(Progress(elapsed_s=1.0, objective=42, bound=1, gap=0.9))
    monitor.pump()
    assert monitor.should_stop() is True and monitor.lost and not monitor.cancelled
    run.refresh_from_db()
    assert (run.status, run.attempt, run.best_objective) == (Status.QUEUED, 2, 50)


@pytest.mark.django_db(transaction=True)
def test_an_internal_error_in_the_solver_fails_the_run_with_it_and_reaches_the_log(
    demo_plant, horizon, no_enqueue, monkeypatch
) -> None:
    import scheduling.planning.worker as execution

    def broken_solve(*args, **kwargs):
        raise ZeroDivisionError("division by zero in a heuristic")

    monkeypatch.setattr(execution, "solve", broken_solve)
    run = new_run(demo_plant, horizon)
    with pytest.raises(ZeroDivisionError):
        execute_run(run_id=run.pk, attempt=1, worker="t")
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.finished_at is not None
    assert run.error == "Internal error: division by zero in a heuristic"


@pytest.mark.django_db(transaction=True)
def test_a_solve_past_the_workers_soft_time_limit_stops_and_ends_timed_out(
    demo_plant, horizon, no_enqueue, monkeypatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    from scheduling.planning.worker import RunMonitor
    from scheduling.tasks import solve_run_task

    def time_is_up(self: RunMonitor) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(RunMonitor, "pump", time_is_up)
    run = new_run(demo_plant, horizon, settings={"time_limit_s": 120})
    started = timezone.now()
    solve_run_task.apply(args=(run.pk, 1))
    run.refresh_from_db()
    assert run.status == Status.TIMED_OUT and "time limit" in run.error
    assert timezone.now() - started < dt.timedelta(seconds=30)  # the solve stopped, not ran on


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_solve_message_was_lost_is_sent_again_once_per_interval(
    demo_plant, horizon, no_enqueue
) -> None:
    lost = new_run(demo_plant, horizon)
    running = new_run(demo_plant, horizon)
    claim_run(run_id=running.pk, attempt=1, worker="busy")
    assert no_enqueue == [(lost.pk, 1), (running.pk, 1)]
    assert sweep_stale_runs(resend_after_s=300)["resent"] == 0  # just sent: waits its turn
    ScheduleRun.objects.update(sent_at=timezone.now() - dt.timedelta(minutes=6))
    assert sweep_stale_runs(resend_after_s=300)["resent"] == 1
    assert no_enqueue[-1] == (lost.pk, 1)
    assert sweep_stale_runs(resend_after_s=300)["resent"] == 0  # sent again just now
    execute_run(run_id=lost.pk, attempt=1, worker="w1")
    execute_run(run_id=lost.pk, attempt=1, worker="w2")  # the first message, found late
    lost.refresh_from_db()
    assert (lost.status, lost.worker) == (Status.SUCCEEDED, "w1")


def terminate_connection() -> None:
    """Kill this thread's database session from another, as a failover or an administrator
    would: its next query finds the connection gone."""
    from django.db import connection, connections

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_a_solve_costs_a_heartbeat_not_the_schedule(
    demo_plant, horizon, no_enqueue, monkeypatch
) -> None:
    import scheduling.planning.worker as worker

    run = new_run(demo_plant, horizon)
    killed: list[str] = []
    real_pump, real_record = worker.RunMonitor.pump, worker.record_solution

    def pump(monitor) -> None:
        if "heartbeat" not in killed:
            killed.append("heartbeat")
            terminate_connection()
        real_pump(monitor)

    def record(**kwargs) -> None:
        if "result" not in killed:
            killed.append("result")
            terminate_connection()
        real_record(**kwargs)

    monkeypatch.setattr(worker.RunMonitor, "pump", pump)
    monkeypatch.setattr(worker, "record_solution", record)
    monkeypatch.setattr(worker.time, "sleep", lambda s: None)
    execute_run(run_id=run.pk, attempt=1, worker="t")
    run.refresh_from_db()
    assert killed == ["heartbeat", "result"]
    assert (run.status, run.attempt) == (Status.SUCCEEDED, 1), run.error
    assert ScheduledOperation.objects.filter(run=run).exists()
