"""A real Celery worker process for tests, on the test database (PostgreSQL only: the worker
is another process and must see the same database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from django.conf import settings

from scheduling.models import ScheduleRun

T = TypeVar("T")


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker() -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "plant.settings.test",
            "DATABASE_URL": database_url(),
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "plant",
                "worker",
                "-Q",
                "solver,default",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"test{len(workers)}@%h",
            ],
            env=env,
            start_new_session=True,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
    purge_broker()


def purge_broker() -> None:
    """Empty this test process's broker: queued messages and those a killed worker left
    unacknowledged, which the broker would otherwise hand to a later test's worker. The
    broker is the test process's own (plant/settings/test.py), never a developer's."""
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    else:
        for folder in ("out", "processed"):
            for message in (settings.CELERY_BROKER_DIR / folder).glob("*"):
                message.unlink(missing_ok=True)


def unacknowledged_messages() -> int:
    """Messages a worker took and has not acknowledged (Redis keeps them for redelivery)."""
    if not settings.REDIS_URL:
        return 0
    import redis

    return int(redis.Redis.from_url(settings.CELERY_BROKER_URL).hlen("unacked"))


def eventually(
    attempt: Callable[[], T], done: Callable[[T], bool], timeout: float = 30, every: float = 0.2
) -> T:
    """Call `attempt` until `done` holds for what it returned (then return it) or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        result = attempt()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still {result!r} after {timeout} s")
        time.sleep(every)


def wait_for(
    run: ScheduleRun, predicate: Callable[[ScheduleRun], bool], timeout: float = 90
) -> ScheduleRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if predicate(run):
            return run
        time.sleep(0.2)
    raise AssertionError(
        f"run {run.pk} stuck in {run.status} (attempt {run.attempt}, error {run.error!r})"
    )
