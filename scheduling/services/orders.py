"""Production orders: create, change, cancel."""

from __future__ import annotations

from django.db import transaction

from plant.errors import RuleViolation, StateConflict
from plant.models import Item
from plant.services.records import save_record
from scheduling.models import ProductionOrder


def save_order(*, order: ProductionOrder) -> ProductionOrder:
    """Validate and save an order (new or changed) for a made item of the order's plant.

    A done or cancelled order (as stored) can no longer be changed.
    """
    final = (ProductionOrder.Status.DONE, ProductionOrder.Status.CANCELLED)
    if order.pk:
        stored = (
            ProductionOrder.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        )
        if stored in final:
            raise StateConflict(
                f"Order {order.external_ref} is {stored}; it can no longer be changed."
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
    saved = save_record(record=order)
    assert isinstance(saved, ProductionOrder)
    return saved


def cancel_order(*, order: ProductionOrder) -> ProductionOrder:
    with transaction.atomic():
        order = ProductionOrder.objects.select_for_update().get(pk=order.pk)
        if order.status not in (ProductionOrder.Status.OPEN, ProductionOrder.Status.RELEASED):
            raise StateConflict(
                f"Order {order.external_ref} is {order.get_status_display().lower()}; "
                "it cannot be cancelled."
            )
        order.status = ProductionOrder.Status.CANCELLED
        order.save(update_fields=["status", "updated_at"])
    return order
