"""Idempotency keys for POST commands: claim before running, remember the response after.

The claim is a plain INSERT committed on its own (outside the command's transaction), so
the unique constraint on (owner, key) decides between two concurrent requests: one inserts
and runs the command; the other finds the row in flight (409), or later finished (replay).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from plant.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from plant.models import IdempotencyKey

# A claim whose request died without finishing (process killed) is given up after this.
ABANDONED_AFTER = dt.timedelta(minutes=10)


def claim_idempotency_key(*, owner: str, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """(row, True) if this request may run the command; (finished row, False) to replay it.

    Raises IdempotencyKeyReused (422) when the key came with another request body and
    IdempotencyKeyInFlight (409) while its first request is still running. An expired or
    abandoned row is deleted and claimed afresh.
    """
    for _ in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    owner=owner,
                    key=key,
                    request_hash=fingerprint,
                    expires_at=now + dt.timedelta(seconds=settings.API_IDEMPOTENCY_TTL_S),
                )
            return row, True
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if existing is None or _is_stale(existing, now):
            if existing is not None:
                IdempotencyKey.objects.filter(pk=existing.pk, state=existing.state).delete()
            continue
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with another request body.",
                detail={"Idempotency-Key": ["Used with another body."]},
            )
        if existing.state == IdempotencyKey.State.IN_FLIGHT:
            raise IdempotencyKeyInFlight("A request with this Idempotency-Key is still running.")
        return existing, False
    raise IdempotencyKeyInFlight("This Idempotency-Key is being claimed; retry shortly.")


def _is_stale(row: IdempotencyKey, now: dt.datetime) -> bool:
    abandoned = row.state == IdempotencyKey.State.IN_FLIGHT and row.created_at < now - (
        ABANDONED_AFTER
    )
    return row.expires_at <= now or abandoned


def finish_idempotency_key(*, row: IdempotencyKey, status: int, body: Any) -> None:
    """Remember the command's response for replays until the key expires."""
    IdempotencyKey.objects.filter(pk=row.pk).update(
        state=IdempotencyKey.State.DONE, response_status=status, response_body=body
    )


def release_idempotency_key(*, row: IdempotencyKey) -> None:
    """Forget a claim whose command crashed, so the client may retry with the same key."""
    IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyKey.State.IN_FLIGHT).delete()


def purge_idempotency_keys() -> int:
    """Delete expired keys (beat, hourly)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
