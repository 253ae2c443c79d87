"""Production orders: create, change, cancel."""

from __future__ import annotations

from django.db import transaction

from plant.errors import RuleViolation, StateConflict
from plant.models import Item
from plant.services.records import save_record
from scheduling.locks import lock_order
from scheduling.models import ProductionOrder

FINAL_STATUSES = (ProductionOrder.Status.DONE, ProductionOrder.Status.CANCELLED)


def save_order(*, order: ProductionOrder) -> ProductionOrder:
    """Validate and save an order (new or changed) for a made item of the order's plant.

    A done or cancelled order (as stored) can no longer be changed.
    """
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


def cancel_order(*, order: ProductionOrder) -> ProductionOrder:
    with transaction.atomic():
        order = lock_order(order.pk)
        if order.status not in (ProductionOrder.Status.OPEN, ProductionOrder.Status.RELEASED):
            raise StateConflict(
                f"Order {order.external_ref} is {order.get_status_display().lower()}; "
                "it cannot be cancelled."
            )
        order.status = ProductionOrder.Status.CANCELLED
        order.save(update_fields=["status", "updated_at"])
    return order
