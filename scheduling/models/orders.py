"""Production orders: quotas to produce, with their progress on the shop floor."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from plant.models import Item, Plant
from plant.models.base import PlantScopedQuerySet, Timestamped, code_validator


class ProductionOrderQuerySet(PlantScopedQuerySet):
    def open(self) -> ProductionOrderQuerySet:
        return self.filter(status__in=ProductionOrder.OPEN_STATUSES)


class ProductionOrder(Timestamped):
    """A quota to produce: `quantity` of `item`, not before `release_at`, due by `due_at`."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RELEASED = "released", "Released"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        RUSH = 4, "Rush"

    OPEN_STATUSES = (Status.OPEN, Status.RELEASED, Status.IN_PROGRESS)

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="production_orders")
    external_ref = models.CharField(
        max_length=60, validators=[code_validator], help_text="The order's number in the ERP."
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="production_orders")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    release_at = models.DateTimeField(help_text="Material and paperwork ready from then.")
    due_at = models.DateTimeField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_quantity = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        default=0,
        help_text="Good quantity reported at the routing's last step on the shop floor.",
    )

    objects = ProductionOrderQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "due_at", "external_ref"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "external_ref"], name="order_unique_ref"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("release_at")),
                name="order_due_after_release",
                violation_error_message="The due date must be after the release.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "released", "in_progress", "done", "cancelled"]),
                name="order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=4), name="order_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(completed_quantity__gte=0), name="order_completed_quantity_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["plant", "status", "due_at"], name="order_plant_status_due")
        ]

    def __str__(self) -> str:
        return f"{self.external_ref} · {self.quantity} × {self.item.code}"
