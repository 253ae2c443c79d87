"""Idempotency keys for POST commands: claim before running, remember the response after.

The claim is a plain INSERT committed on its own (outside the command's transaction), so
the unique constraint on (owner, key) decides between two concurrent requests: one inserts
and runs the command; the other finds the row in flight (409), or later finished (replay).

On PostgreSQL the claim also holds a session advisory lock for as long as the request runs:
it dies with the request's database connection, so when a web process is killed mid-command
a retry finds the claim in flight but its lock free, and takes the claim over at once (it
used to wait out ABANDONED_AFTER with 409s). Elsewhere (SQLite) the claim is abandoned after
ABANDONED_AFTER.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
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
        if not _lock(owner, key):
            raise IdempotencyKeyInFlight("A request with this Idempotency-Key is still running.")
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
        _unlock(owner, key)
        # We held the lock, so no live request does: a row in flight belongs to one that died.
        orphaned = (
            connection.vendor == "postgresql"
            and existing is not None
            and existing.state == IdempotencyKey.State.IN_FLIGHT
        )
        if existing is None or _is_stale(existing, now) or orphaned:
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
    _unlock(row.owner, row.key)


def release_idempotency_key(*, row: IdempotencyKey) -> None:
    """Forget a claim whose command crashed, so the client may retry with the same key."""
    IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyKey.State.IN_FLIGHT).delete()
    _unlock(row.owner, row.key)


def claim_lock_id(owner: str, key: str) -> int:
    """The advisory lock of one (owner, key) claim, as PostgreSQL numbers them."""
    digest = hashlib.sha256(f"idempotency:{owner}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock(owner: str, key: str) -> bool:
    """Take the claim's advisory lock on this connection (PostgreSQL); False when another
    live request holds it. Always True elsewhere."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [claim_lock_id(owner, key)])
        return bool(cursor.fetchone()[0])


def _unlock(owner: str, key: str) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [claim_lock_id(owner, key)])


def purge_idempotency_keys() -> int:
    """Delete expired keys (beat, hourly)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
