"""Audit API writes from views: the caller and route come from the request."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework.request import Request

from plant.api.authentication import token_of
from plant.integrations.audit import Actor, AuditChange, audit_change, record_api_writes


def model_label(model: type[models.Model] | models.Model) -> str:
    return str(model._meta.label_lower)


def actor_of(request: Request) -> Actor:
    return Actor(
        user=request.user,
        token=token_of(request),
        method=request.method or "",
        path=request.get_full_path(),
    )


def audit(request: Request, *changes: AuditChange) -> None:
    record_api_writes(actor=actor_of(request), changes=list(changes))


def audit_one(
    request: Request,
    record: Any,
    *,
    plant: Any,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    ref: str | None = None,
) -> None:
    audit_change(
        actor_of(request), record, plant=plant, action=action, before=before, after=after, ref=ref
    )
