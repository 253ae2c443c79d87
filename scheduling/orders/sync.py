"""Bulk upsert of production orders by external reference, for ERP synchronisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from plant.errors import DomainError, RuleViolation
from plant.integrations.audit import Actor, AuditChange, record_api_writes
from plant.models import Item, Plant
from scheduling.locks import lock_orders_by_ref
from scheduling.models import ProductionOrder
from scheduling.orders.services import check_order, order_snapshot

SYNCED_FIELDS = ("item", "quantity", "release_at", "due_at", "priority", "status")


@dataclass(frozen=True)
class OrderRow:
    external_ref: str
    item_code: str
    quantity: Decimal
    release_at: dt.datetime
    due_at: dt.datetime
    priority: int
    status: str | None = None  # None keeps the stored status (open for a new order)


@dataclass
class UpsertResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def row_errors(index: int, error: DomainError) -> list[dict[str, Any]]:
    detail = (
        error.detail if isinstance(error.detail, dict) else {"non_field_errors": [error.message]}
    )
    return [
        {"row": index, "field": name, "message": str(message)}
        for name, messages in detail.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]


def upsert_orders(
    *, plant: Plant, rows: list[OrderRow], audit: Actor | None = None
) -> UpsertResult:
    """Create or change the plant's orders by external reference, all or nothing.

    Every row is checked with the rules of `save_order` first; if any row fails, nothing is
    written and RuleViolation lists `{"row", "field", "message"}` for each failure. Locks the
    stored orders it changes (one query); writes in batches; audits each change as `audit`.
    """
    with transaction.atomic(durable=True):
        stored = {
            o.external_ref: o for o in lock_orders_by_ref(plant, (r.external_ref for r in rows))
        }
        items = {
            i.code: i
            for i in Item.objects.filter(plant=plant, code__in={r.item_code for r in rows})
        }
        orders, changes, result = _apply_rows(plant, rows, stored, items)
        for order in orders:
            # One INSERT … ON CONFLICT (plant, external_ref) DO UPDATE for new and changed
            # rows alike: bulk_update's CASE expressions are far slower at this size.
            order.pk = None
        ProductionOrder.objects.bulk_create(
            orders,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["plant", "external_ref"],
            update_fields=[*SYNCED_FIELDS, "updated_at"],
        )
        if audit is not None and changes:
            record_api_writes(actor=audit, changes=changes)
    return result


def _apply_rows(
    plant: Plant,
    rows: list[OrderRow],
    stored: dict[str, ProductionOrder],
    items: dict[str, Item],
) -> tuple[list[ProductionOrder], list[AuditChange], UpsertResult]:
    """Check every row (collecting all problems), then return what to write."""
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    orders: list[ProductionOrder] = []
    changes: list[AuditChange] = []
    result = UpsertResult()
    for index, row in enumerate(rows):
        ref = row.external_ref
        if ref in seen:
            errors.append(_error(index, "external_ref", f"Repeats row {seen[ref]}."))
            continue
        seen[ref] = index
        if row.item_code not in items:
            errors.append(_error(index, "item", f"No item '{row.item_code}' in {plant.code}."))
            continue
        try:
            applied = _apply_row(plant, row, stored.get(ref), items[row.item_code])
        except DomainError as error:
            errors.extend(row_errors(index, error))
            continue
        if applied is None:
            result.unchanged.append(ref)
            continue
        order, change = applied
        (result.updated if change.before else result.created).append(ref)
        orders.append(order)
        changes.append(change)
    if errors:
        raise RuleViolation(
            f"{len({e['row'] for e in errors})} of {len(rows)} rows break a rule; "
            "nothing was saved. " + _first(errors),
            detail={"rows": errors},
        )
    return orders, changes, result


def _apply_row(
    plant: Plant, row: OrderRow, current: ProductionOrder | None, item: Item
) -> tuple[ProductionOrder, AuditChange] | None:
    """The row applied to the stored order (or a new one), checked; None if nothing changes."""
    before = order_snapshot(current, current.item.code) if current else None
    order = current or ProductionOrder(plant=plant, external_ref=row.external_ref)
    _assign(order, row, item)
    check_order(order=order, stored_status=current.status if current else None)
    after = order_snapshot(order, item.code)
    if before == after:
        return None
    action = "update" if current else "create"
    label = "scheduling.productionorder"
    return order, AuditChange(plant, action, label, row.external_ref, before, after)


def _assign(order: ProductionOrder, row: OrderRow, item: Item) -> None:
    order.item = item
    order.quantity = row.quantity
    order.release_at = row.release_at
    order.due_at = row.due_at
    order.priority = row.priority
    if row.status is not None:
        order.status = row.status


def _error(index: int, name: str, message: str) -> dict[str, Any]:
    return {"row": index, "field": name, "message": message}


def _first(errors: list[dict[str, Any]]) -> str:
    first = errors[0]
    return f"Row {first['row']}, {first['field']}: {first['message']}"
