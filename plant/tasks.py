"""Celery tasks of the plant app: thin, named, primitive arguments."""

from __future__ import annotations

from celery import shared_task

from plant.integrations.idempotency import purge_idempotency_keys
from plant.integrations.webhooks import DELIVER_WEBHOOK, attempt_webhook_delivery


@shared_task(name="plant.purge_idempotency_keys")
def purge_idempotency_keys_task() -> int:
    return purge_idempotency_keys()


@shared_task(name=DELIVER_WEBHOOK, acks_late=True)
def deliver_webhook_task(delivery_id: str) -> None:
    retry_in = attempt_webhook_delivery(delivery_id=delivery_id)
    if retry_in is not None:
        deliver_webhook_task.apply_async((delivery_id,), countdown=retry_in)
