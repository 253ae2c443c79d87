from __future__ import annotations

import math
from decimal import Decimal

from django.db import models
from django.db.models import Q

from plant.models.base import PlantScopedQuerySet, Timestamped
from plant.models.items import Item
from plant.models.resources import Machine, WorkCentre

# Bounds far beyond any real routing and below the database's integer range, checked by the
# forms and the API (a sequence of 10^12 was a 500 "integer out of range").
MAX_SEQUENCE = 999_999
MAX_MINUTES = 366 * 24 * 60  # a year


class RoutingQuerySet(PlantScopedQuerySet):
    plant_path = "item__plant"


class Routing(Timestamped):
    """How a made item is produced: its operations in order."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="routing")
    notes = models.TextField(blank=True)

    objects = RoutingQuerySet.as_manager()

    class Meta:
        ordering = ["item__plant__code", "item__code"]

    def __str__(self) -> str:
        return f"Routing of {self.item.code}"


class OperationQuerySet(PlantScopedQuerySet):
    plant_path = "routing__item__plant"


class Operation(Timestamped):
    routing = models.ForeignKey(Routing, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField(help_text="Order within the routing: 10, 20, 30…")
    name = models.CharField(max_length=120)
    work_centre = models.ForeignKey(WorkCentre, on_delete=models.PROTECT, related_name="operations")
    can_pause = models.BooleanField(
        default=False,
        help_text="May stop at the end of a shift and resume at the next (else it must fit).",
    )
    allows_overlap = models.BooleanField(
        default=False,
        help_text="May start on the shop floor before the previous step has started.",
    )
    min_wait_minutes = models.PositiveIntegerField(
        default=0, help_text="Minimum wait before the next operation may start (e.g. cooling)."
    )
    max_wait_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Maximum wait before the next operation must start."
    )

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["routing", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["routing", "sequence"], name="operation_unique_seq"),
            models.CheckConstraint(condition=Q(sequence__gt=0), name="operation_sequence_gt_0"),
            models.CheckConstraint(
                condition=Q(max_wait_minutes__isnull=True)
                | Q(max_wait_minutes__gte=models.F("min_wait_minutes")),
                name="operation_max_wait_gte_min_wait",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence} {self.name}"


class OperationMachineQuerySet(PlantScopedQuerySet):
    plant_path = "machine__plant"


class OperationMachine(Timestamped):
    """A machine that can run an operation, with its own setup and speed."""

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="eligible_machines"
    )
    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="operations")
    setup_minutes = models.PositiveIntegerField(default=0)
    run_minutes_per_unit = models.DecimalField(max_digits=10, decimal_places=3)

    objects = OperationMachineQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "machine__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "machine"], name="operationmachine_unique"
            ),
            models.CheckConstraint(
                condition=Q(run_minutes_per_unit__gt=0), name="operationmachine_run_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} on {self.machine.code}"

    def run_minutes(self, quantity: Decimal | int) -> int:
        """Working minutes to process `quantity` units, rounded up to whole minutes."""
        return max(1, math.ceil(Decimal(quantity) * self.run_minutes_per_unit))
