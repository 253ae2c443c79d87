"""The API audit log: who wrote what through the API, and which fields changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from plant.models import ApiAuditEntry, ApiToken, Plant

IGNORED = frozenset({"updated_at", "created_at"})
R = TypeVar("R")


@dataclass(frozen=True)
class AuditChange:
    plant: Plant | None
    action: str  # ApiAuditEntry.Action
    model: str  # app_label.model
    object_ref: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """{field: [before, after]} for every field that differs (None for a missing side)."""
    old, new = _plain(before or {}), _plain(after or {})
    return {
        name: [old.get(name), new.get(name)]
        for name in sorted(set(old) | set(new))
        if name not in IGNORED and old.get(name) != new.get(name)
    }


@dataclass(frozen=True)
class Actor:
    """Who is writing through the API, and by which route."""

    user: Any
    token: ApiToken | None
    method: str
    path: str


def audit_change(
    actor: Actor | None,
    record: Any,
    *,
    plant: Plant | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    ref: str | None = None,
) -> None:
    """The audit entry of one API write, in the caller's transaction so that it commits with
    the write. Without an actor (a page, a worker) nothing is written: the log is the API's."""
    if actor is None:
        return
    label = ref or str(getattr(record, "code", None) or record.pk)
    model = str(record._meta.label_lower)
    record_api_writes(
        actor=actor, changes=[AuditChange(plant, action, model, label, before, after)]
    )


def write_audited(
    write: Callable[[], R],
    *,
    actor: Actor | None,
    change: Callable[[R], Change],
) -> R:
    """Run one write and its audit entry in one durable transaction. For doors whose audit
    entry is the API's own representation of the record (the master-data API's generic
    views): `write` calls the service, `change` describes what it did. A service that knows
    its change takes `audit` and calls `audit_change` inside its own transaction instead."""
    with transaction.atomic(durable=True):
        result = write()
        if actor is not None:
            c = change(result)
            audit_change(
                actor,
                c.record,
                plant=c.plant,
                action=c.action,
                before=c.before,
                after=c.after,
                ref=c.ref,
            )
    return result


@dataclass(frozen=True)
class Change:
    """What one write did to one record, as `write_audited` logs it."""

    record: Any
    plant: Plant | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ref: str | None = None


def record_api_writes(*, actor: Actor, changes: list[AuditChange]) -> list[ApiAuditEntry]:
    """Append audit entries in the caller's transaction, so they commit with the write."""
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    return ApiAuditEntry.objects.bulk_create(
        [
            ApiAuditEntry(
                user=user,
                token=actor.token,
                plant=change.plant,
                method=actor.method,
                path=actor.path[:300],
                action=change.action,
                model=change.model,
                object_ref=change.object_ref[:120],
                changes=diff(change.before, change.after),
            )
            for change in changes
        ],
        batch_size=1000,
    )
