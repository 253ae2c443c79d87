"""Sending work to the Celery workers, by task name.

Services enqueue through here once their transaction commits; the `tasks` modules import the
services they run. Naming a task instead of importing it keeps the arrows one way
(tasks -> services), and routing (`CELERY_TASK_ROUTES`) applies to a name as to a task.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task: str, *args: object, countdown: float | None = None) -> None:
    """Send `task(*args)` to the broker when the current transaction commits (at once when
    there is none), so a worker never picks up a row it cannot see yet.

    The committed row is the outbox: if the broker cannot take the message now, it is logged,
    the write still succeeds, the next post-commit callback still runs, and a sweeper sends
    it again from the row (`resend_queued_runs`, the webhook sweeper)."""
    transaction.on_commit(partial(_send_by_name, task, args, countdown))


def send(task: str, args: tuple[object, ...], countdown: float | None = None) -> None:
    """Send now (tests replace this to capture what would be sent)."""
    current_app.send_task(task, args=args, countdown=countdown)


def _send_by_name(task: str, args: tuple[object, ...], countdown: float | None) -> None:
    try:
        send(task, args, countdown)
    except Exception:
        log.exception("%s%s not sent now; its sweeper sends it again", task, args)
