"""Running a schedule run on a worker: claim, solve with progress, record, sweep stale runs."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import Error as DatabaseFault
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from plant.errors import DomainError
from plant.queue import enqueue
from scheduling.locks import lock_runs
from scheduling.models import ScheduleRun
from scheduling.planning.adapters import ProblemIndex, build_problem, write_solution
from scheduling.planning.kpis import schedule_kpis
from scheduling.planning.run_settings import RunSettings
from scheduling.solver import Problem, Progress, Solution, solve
from scheduling.solver.threads import beside

SOLVE_RUN = "scheduling.solve_run"  # the Celery task that solves a run (on the `solver` queue)

log = logging.getLogger(__name__)
Status = ScheduleRun.Status
T = TypeVar("T")

# A lost connection (the database restarted, a connection killed, a failover): worth a new
# connection and another try. Other database errors are the write's own and are not retried.
CONNECTION_LOST = (InterfaceError, OperationalError)


def reconnect() -> None:
    """Drop this thread's connection so that the next query opens a fresh one (not inside a
    transaction, which a new connection could not continue)."""
    if not connection.in_atomic_block:
        connection.close()


def with_reconnect(what: str, write: Callable[[], T], *, tries: int = 5, wait_s: float = 1.0) -> T:
    """Run `write`, reconnecting and trying again when the connection was lost: a blink of the
    database costs a few seconds of a run, not its schedule."""
    for attempt in range(1, tries + 1):
        try:
            return write()
        except CONNECTION_LOST as error:
            if attempt == tries or connection.in_atomic_block:
                raise
            log.warning("%s: connection lost (%s); try %s of %s", what, error, attempt + 1, tries)
            reconnect()
            time.sleep(wait_s * attempt)
    raise AssertionError("unreachable")


def claim_run(*, run_id: int, attempt: int, worker: str) -> bool:
    """Compare-and-set queued → running for this attempt. False: someone else has it, it was
    cancelled, or this message is stale (the run has been re-queued with a newer attempt)."""
    now = timezone.now()
    claimed = ScheduleRun.objects.filter(
        pk=run_id, attempt=attempt, status=Status.QUEUED, cancel_requested=False
    ).update(status=Status.RUNNING, worker=worker[:200], started_at=now, heartbeat_at=now)
    return claimed == 1


@dataclass
class RunMonitor:
    """Carries progress from the solver to the run row, and the stop signal back.

    The solver's threads only hand their news over (`on_progress`) and read the stop flag
    (`should_stop`); the database is written by `pump()`, in the worker's own thread, once a
    heartbeat. So a solve holds one database connection whatever threads the solver runs, and
    sees the run row as the worker does (in a test's transaction too). Writes are conditional
    on (pk, attempt, running): a worker that lost its run (swept and re-queued) stops at the
    next heartbeat instead of writing over a newer attempt.
    """

    run_id: int
    attempt: int
    heartbeat_s: float = 1.0
    points: list[list[float]] = field(default_factory=list)
    cancelled: bool = False
    lost: bool = False
    stopping: bool = False
    _latest: Progress | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _mine(self) -> QuerySet[ScheduleRun]:
        return ScheduleRun.objects.filter(
            pk=self.run_id, attempt=self.attempt, status=Status.RUNNING
        )

    def on_progress(self, progress: Progress) -> None:
        """A better schedule was found (any solver thread): kept for the next heartbeat."""
        with self._lock:
            self.points.append([round(progress.elapsed_s, 2), progress.objective, progress.bound])
            self._latest = progress

    def should_stop(self) -> bool:
        return self.cancelled or self.lost or self.stopping

    def pump(self) -> None:
        """One heartbeat (the worker's thread): write the latest progress, notice a cancel or
        the loss of the run."""
        with self._lock:
            latest, self._latest = self._latest, None
            points = list(self.points[-500:])
        progress: dict[str, object] = {}
        if latest is not None:
            progress = {
                "best_objective": latest.objective,
                "bound": latest.bound,
                "gap": latest.gap,
                "elapsed_s": round(latest.elapsed_s, 2),
                "progress": points,
            }
        try:
            if not self._mine().update(heartbeat_at=timezone.now(), **progress):
                self.lost = True
                return
            self.cancelled = ScheduleRun.objects.filter(
                pk=self.run_id, cancel_requested=True
            ).exists()
        except DatabaseFault as error:
            # A busy or lost database skips one heartbeat (the sweeper tolerates many); a lost
            # connection is replaced for the next one. Progress is advisory and the next
            # heartbeat writes the latest again.
            with self._lock:
                self._latest = self._latest or latest
            if isinstance(error, CONNECTION_LOST):
                reconnect()
            log.warning("run %s: heartbeat skipped (%s)", self.run_id, error)

    def stop(self) -> None:
        """End the solve for a reason of the worker's own (its time limit, an error)."""
        self.stopping = True


def solve_with_heartbeat(
    problem: Problem, run_settings: RunSettings, monitor: RunMonitor
) -> Solution:
    """Solve in a thread beside this one while this one beats the run's heartbeat; anything
    raised here (Celery's soft time limit) stops the solve before it propagates."""
    done = threading.Event()
    result: list[Solution] = []

    def solve_it() -> None:
        try:
            result.append(
                solve(
                    problem,
                    time_limit_s=run_settings.time_limit_s,
                    workers=run_settings.workers,
                    seed=run_settings.seed,
                    on_progress=monitor.on_progress,
                    should_stop=monitor.should_stop,
                )
            )
        finally:
            done.set()

    def beat(failed: Callable[[], bool]) -> None:
        try:
            while not done.wait(monitor.heartbeat_s) and not failed():
                monitor.pump()
        except BaseException:
            monitor.stop()
            raise

    beside("solve", [solve_it], beat)
    return result[0]


def execute_run(*, run_id: int, attempt: int, worker: str) -> None:
    """Claim the run, build its problem, solve it and record the result.

    Preconditions: none (a stale or duplicate message returns without effect). The solve runs
    outside any transaction; results are written in one transaction, only if this attempt
    still owns the run. Domain errors end the run failed with their message.
    """
    if not claim_run(run_id=run_id, attempt=attempt, worker=worker):
        log.info("run %s attempt %s: not claimed (duplicate, stale or cancelled)", run_id, attempt)
        return
    run = ScheduleRun.objects.select_related("plant").get(pk=run_id)
    try:
        problem, index = build_problem(run)
    except DomainError as error:
        finish_run(run_id=run_id, attempt=attempt, status=Status.FAILED, error=error.message)
        return
    run_settings = RunSettings.stored(run.settings)
    monitor = RunMonitor(run_id=run_id, attempt=attempt)
    started = time.monotonic()
    try:
        solution = solve_with_heartbeat(problem, run_settings, monitor)
        log.info("run %s solved in %.1fs: %s", run_id, time.monotonic() - started, solution.status)
        with_reconnect(
            f"run {run_id}: recording the schedule",
            partial(
                record_solution,
                run_id=run_id,
                attempt=attempt,
                problem=problem,
                solution=solution,
                index=index,
                monitor=monitor,
            ),
        )
    except SoftTimeLimitExceeded:
        raise  # not an internal error: the task ends the run timed out
    except Exception as error:
        # Recorded on the run so a person sees it, then re-raised for the worker's log.
        finish_run(
            run_id=run_id, attempt=attempt, status=Status.FAILED, error=f"Internal error: {error}"
        )
        raise


def record_solution(
    *,
    run_id: int,
    attempt: int,
    problem: Problem,
    solution: Solution,
    index: ProblemIndex,
    monitor: RunMonitor,
) -> None:
    with transaction.atomic():
        (run,) = lock_runs([run_id])
        if run.attempt != attempt or run.status != Status.RUNNING:
            log.warning("run %s attempt %s: lost ownership, result dropped", run_id, attempt)
            return
        if solution.objective is not None:
            # The chart's last point: where the search ended, not where it last improved.
            monitor.points.append(
                [round(solution.elapsed_s, 2), solution.objective, solution.bound or 0]
            )
        run.progress = monitor.points[-500:]
        run.solver_status = solution.status
        run.first_source = solution.first_source
        run.time_to_first_s = solution.time_to_first_s
        run.elapsed_s = round(solution.elapsed_s, 2)
        run.best_objective, run.bound, run.gap = solution.objective, solution.bound, solution.gap
        run.components = dict(solution.components)
        run.conflicts = [
            {
                "code": c.code,
                "message": c.message,
                "order": index.orders[c.job_id].external_ref if c.job_id in index.orders else None,
            }
            for c in solution.conflicts
        ]
        if not solution.assignments:
            run.status = Status.FAILED
            run.error = (
                "The schedule cannot be made: "
                + " ".join(c.message for c in solution.conflicts[:5])
                if solution.conflicts
                else f"The solver found no schedule ({solution.status})."
            )
        else:
            write_solution(run, solution, index)
            run.machine_windows = {
                code: {"work": windows, "overtime": [w[:2] for w in index.overtime.get(code, [])]}
                for code, windows in index.windows.items()
            }
            run.kpis = schedule_kpis(problem, solution, index)
            run.status = Status.CANCELLED if monitor.cancelled else Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
    if run.status == Status.SUCCEEDED:
        from scheduling.hooks import announce

        announce("run.finished", run)


def finish_run(*, run_id: int, attempt: int, status: str, error: str = "") -> bool:
    """End a run this attempt owns without a schedule (failed, timed out)."""

    def write() -> bool:
        mine = ScheduleRun.objects.filter(
            pk=run_id, attempt=attempt, status__in=ScheduleRun.ACTIVE_STATUSES
        )
        return mine.update(status=status, error=error, finished_at=timezone.now()) == 1

    return with_reconnect(f"run {run_id}: ending it {status}", write)


def sweep_stale_runs(
    *,
    stale_after_s: float | None = None,
    max_attempts: int | None = None,
    resend_after_s: float | None = None,
) -> dict[str, int]:
    """Runs whose worker stopped heartbeating: re-queue them (new attempt) or, after
    `max_attempts`, fail them with a reason; one whose cancel was asked for ends cancelled.
    Runs left queued since their solve was sent `resend_after_s` ago are sent again. Nothing
    stays 'running' or 'queued' forever."""
    stale_after = stale_after_s if stale_after_s is not None else settings.SOLVER_STALE_AFTER_S
    limit = max_attempts if max_attempts is not None else settings.SOLVER_MAX_ATTEMPTS
    cutoff = timezone.now() - dt.timedelta(seconds=stale_after)
    requeued = failed = cancelled = 0
    stale_ids = list(
        ScheduleRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for run_id in stale_ids:
        with transaction.atomic():
            (run,) = lock_runs([run_id])
            if (
                run.status != Status.RUNNING
                or run.heartbeat_at is None
                or run.heartbeat_at >= cutoff
            ):
                continue
            if run.cancel_requested:
                # Its worker died before it saw the cancel: re-queued, no worker would ever
                # claim it (claim_run refuses a cancelled run) and it would wait forever.
                run.status, run.finished_at = Status.CANCELLED, timezone.now()
                run.save(update_fields=["status", "finished_at", "updated_at"])
                cancelled += 1
                continue
            if run.attempt >= limit:
                run.status, run.finished_at = Status.FAILED, timezone.now()
                run.error = (
                    f"The solver worker stopped responding {run.attempt} times; "
                    "the run was given up."
                )
                run.save(update_fields=["status", "finished_at", "error", "updated_at"])
                failed += 1
                continue
            now = timezone.now()
            ScheduleRun.objects.filter(pk=run_id).update(
                status=Status.QUEUED,
                attempt=F("attempt") + 1,
                worker="",
                queued_at=now,
                sent_at=now,
            )
            enqueue(SOLVE_RUN, run_id, run.attempt + 1)
            requeued += 1
    resent = resend_queued_runs(resend_after_s)
    return {"requeued": requeued, "failed": failed, "cancelled": cancelled, "resent": resent}


def hand_back_runs(*, worker: str) -> int:
    """A worker that is shutting down (a deploy, a scale-down) gives its running solves back:
    each is queued again with a new attempt at once, so another worker solves it to its full
    time limit instead of the sweeper noticing the silence a minute later. The old solve sees
    it lost the run at its next heartbeat and stops without writing."""
    handed = 0
    running = ScheduleRun.objects.filter(status=Status.RUNNING, worker=worker[:200])
    for run_id, attempt in running.values_list("pk", "attempt"):
        with transaction.atomic():
            now = timezone.now()
            if ScheduleRun.objects.filter(
                pk=run_id, status=Status.RUNNING, attempt=attempt, cancel_requested=False
            ).update(
                status=Status.QUEUED, attempt=attempt + 1, worker="", queued_at=now, sent_at=now
            ):
                enqueue(SOLVE_RUN, run_id, attempt + 1)
                handed += 1
    if handed:
        log.warning("worker %s shutting down: %s run(s) queued again", worker, handed)
    return handed


def resend_queued_runs(after_s: float | None = None) -> int:
    """Send again the solve of every run still queued `after_s` after it was last sent: the
    run's row is the outbox, and its message may have been lost (the broker was down when
    the run was created, or lost what it held). A duplicate is harmless: `claim_run` lets one
    worker have each attempt, and the others return at once."""
    after = after_s if after_s is not None else settings.SOLVER_RESEND_QUEUED_AFTER_S
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=after)
    waiting = ScheduleRun.objects.filter(status=Status.QUEUED, cancel_requested=False).filter(
        Q(sent_at__lt=cutoff) | Q(sent_at=None, queued_at__lt=cutoff)
    )
    resent = 0
    for run_id, attempt in waiting.values_list("pk", "attempt"):
        with transaction.atomic():
            if ScheduleRun.objects.filter(pk=run_id, status=Status.QUEUED, attempt=attempt).update(
                sent_at=now
            ):
                enqueue(SOLVE_RUN, run_id, attempt)
                resent += 1
    if resent:
        log.warning("%s queued run(s) sent to the solver queue again", resent)
    return resent
