"""Production orders: create, change, cancel.

Each service called by a door (a page, the API) opens the one durable transaction of its
operation and, given `audit` (who writes through the API), writes the audit entry inside it;
the pages pass no `audit`. See docs/architecture.md, "Transactions"."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from plant.errors import RuleViolation, StateConflict
from plant.integrations.audit import Actor, audit_change
from plant.models import Item, Plant
from plant.services.records import save_record
from scheduling.locks import lock_order, lock_orders_by_ref
from scheduling.models import ProductionOrder

FINAL_STATUSES = (ProductionOrder.Status.DONE, ProductionOrder.Status.CANCELLED)


def save_order(*, order: ProductionOrder) -> ProductionOrder:
    """Validate and save an order (new or changed) for a made item of the order's plant.

    A done or cancelled order (as stored) can no longer be changed. Not durable: a spreadsheet
    import saves its orders with it inside the import's one transaction.
    """
    with transaction.atomic():
        return _save(order)


def put_order(
    *,
    plant: Plant,
    external_ref: str,
    item: Item,
    values: dict[str, Any],
    audit: Actor | None = None,
) -> tuple[ProductionOrder, bool]:
    """Create or change one order by its external reference (the ERP's PUT), with the rules
    of `save_order`; `values` holds the fields given. True when the order was created."""
    with transaction.atomic(durable=True):
        order = lock_orders_by_ref(plant, [external_ref]).first()
        before = order_snapshot(order, order.item.code) if order else None
        order = order or ProductionOrder(plant=plant, external_ref=external_ref)
        order.item = item
        for name, value in values.items():
            setattr(order, name, value)
        _save(order)
        audit_change(
            audit,
            order,
            plant=plant,
            action="update" if before else "create",
            before=before,
            after=order_snapshot(order, item.code),
            ref=external_ref,
        )
    return order, before is None


def _save(order: ProductionOrder) -> ProductionOrder:
    stored = None
    if order.pk:
        stored = (
            ProductionOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        )
    check_order(order=order, stored_status=stored)
    saved = save_record(record=order)
    assert isinstance(saved, ProductionOrder)
    return saved


def check_order(*, order: ProductionOrder, stored_status: str | None) -> None:
    """The order rules beyond its fields' own: shared by save_order and the bulk upsert."""
    if stored_status in FINAL_STATUSES:
        raise StateConflict(
            f"Order {order.external_ref} is {stored_status}; it can no longer be changed.",
            detail={"status": [f"Already {stored_status}."]},
        )
    item = order.item
    if item.plant_id != order.plant_id:
        raise RuleViolation("The item belongs to another plant.", detail={"item": ["Other plant."]})
    if item.kind != Item.Kind.MADE:
        raise RuleViolation(
            f"{item.code} is bought, not made.", detail={"item": ["Not a made item."]}
        )
    if order.due_at and order.release_at and order.due_at <= order.release_at:
        raise RuleViolation(
            "The due date must be after the release.", detail={"due_at": ["Before release."]}
        )


def cancel_order(*, order: ProductionOrder, audit: Actor | None = None) -> ProductionOrder:
    """Cancel an open or released order; the next run leaves it out."""
    with transaction.atomic(durable=True):
        order = lock_order(order.pk)
        before = order_snapshot(order, order.item.code) if audit else None
        if order.status not in (ProductionOrder.Status.OPEN, ProductionOrder.Status.RELEASED):
            raise StateConflict(
                f"Order {order.external_ref} is {order.get_status_display().lower()}; "
                "it cannot be cancelled."
            )
        order.status = ProductionOrder.Status.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        if before is not None:
            after = {**before, "status": order.status}
            audit_change(
                audit, order, plant=order.plant, action="update", before=before, after=after
            )
    return order


def order_snapshot(order: ProductionOrder, item_code: str) -> dict[str, Any]:
    return {
        "item": item_code,
        "quantity": str(order.quantity),
        "release_at": order.release_at.isoformat(),
        "due_at": order.due_at.isoformat(),
        "priority": order.priority,
        "status": order.status,
    }
