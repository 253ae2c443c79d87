from __future__ import annotations

from django.db import models
from django.db.models import Q

from plant.models.base import PlantScopedQuerySet, Timestamped, code_validator
from plant.models.plants import Plant


class WorkCentre(Timestamped):
    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="work_centres")
    code = models.CharField(max_length=20, validators=[code_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "code"], name="workcentre_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Machine(Timestamped):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        DOWN = "down", "Down"
        MAINTENANCE = "maintenance", "In maintenance"

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="machines")
    work_centre = models.ForeignKey(WorkCentre, on_delete=models.PROTECT, related_name="machines")
    code = models.CharField(max_length=20, validators=[code_validator])
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    capacity = models.PositiveSmallIntegerField(
        default=1,
        help_text="How many operations may run on it at once (e.g. a furnace load).",
    )
    shift_pattern = models.ForeignKey(
        "plant.ShiftPattern",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="machines",
        help_text="Overrides the plant's default shift pattern for this machine.",
    )

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "code"], name="machine_unique_code"),
            models.CheckConstraint(
                condition=Q(status__in=["available", "down", "maintenance"]),
                name="machine_status_valid",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="machine_capacity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Changeover(Timestamped):
    """Minutes to change a machine over from one product family to another.

    Scoped to a work centre (all its machines) or to one machine; a machine's own entry wins.
    """

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="changeovers")
    from_family = models.ForeignKey(
        "plant.ProductFamily", on_delete=models.PROTECT, related_name="changeovers_from"
    )
    to_family = models.ForeignKey(
        "plant.ProductFamily", on_delete=models.PROTECT, related_name="changeovers_to"
    )
    work_centre = models.ForeignKey(
        WorkCentre, on_delete=models.CASCADE, null=True, blank=True, related_name="changeovers"
    )
    machine = models.ForeignKey(
        Machine, on_delete=models.CASCADE, null=True, blank=True, related_name="changeovers"
    )
    minutes = models.PositiveIntegerField()

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "from_family__code", "to_family__code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(work_centre__isnull=True) & Q(machine__isnull=False))
                | (Q(work_centre__isnull=False) & Q(machine__isnull=True)),
                name="changeover_scope_exactly_one",
            ),
            models.CheckConstraint(condition=Q(minutes__gte=0), name="changeover_minutes_gte_0"),
            models.UniqueConstraint(
                fields=["from_family", "to_family", "work_centre"],
                condition=Q(work_centre__isnull=False),
                name="changeover_unique_per_work_centre",
            ),
            models.UniqueConstraint(
                fields=["from_family", "to_family", "machine"],
                condition=Q(machine__isnull=False),
                name="changeover_unique_per_machine",
            ),
        ]

    def __str__(self) -> str:
        scope = self.machine or self.work_centre
        return f"{self.from_family} → {self.to_family} on {scope}: {self.minutes} min"
