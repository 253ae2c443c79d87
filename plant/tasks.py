"""Celery tasks of the plant app: thin, named, primitive arguments."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.signals import task_postrun
from django.db import DatabaseError

from plant.integrations.idempotency import purge_idempotency_keys
from plant.integrations.webhooks import DELIVER_WEBHOOK, attempt_webhook_delivery
from plant.services.jobs import periodic_tasks, record_periodic_run

log = logging.getLogger(__name__)


@shared_task(name="plant.purge_idempotency_keys")
def purge_idempotency_keys_task() -> int:
    return purge_idempotency_keys()


@shared_task(name=DELIVER_WEBHOOK, acks_late=True)
def deliver_webhook_task(delivery_id: str) -> None:
    retry_in = attempt_webhook_delivery(delivery_id=delivery_id)
    if retry_in is not None:
        deliver_webhook_task.apply_async((delivery_id,), countdown=retry_in)


@task_postrun.connect
def _record_periodic_run(
    sender: Task | None = None, retval: Any = None, state: str | None = None, **_: Any
) -> None:
    """Every run of a periodic job is written down (`plant.services.jobs`), whichever app's
    task it is, so that a job whose worker died is noticed."""
    if sender is None or state != "SUCCESS" or sender.name not in periodic_tasks():
        return
    try:
        record_periodic_run(task=sender.name, result=retval if isinstance(retval, dict) else {})
    except DatabaseError:
        log.exception("could not record the run of %s", sender.name)
