from __future__ import annotations

from django.db import models
from django.db.models import Q

from plant.models.base import PlantScopedQuerySet, Timestamped, code_validator
from plant.models.plants import Plant


class ProductFamily(Timestamped):
    """Items of one family run after each other without a changeover."""

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="families")
    code = models.CharField(max_length=20, validators=[code_validator])
    name = models.CharField(max_length=120)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "code"]
        verbose_name_plural = "product families"
        constraints = [models.UniqueConstraint(fields=["plant", "code"], name="family_unique_code")]

    def __str__(self) -> str:
        return self.code


class Item(Timestamped):
    class Kind(models.TextChoices):
        MADE = "made", "Made"
        BOUGHT = "bought", "Bought"

    class Unit(models.TextChoices):
        PIECE = "pcs", "pieces"
        KILOGRAM = "kg", "kilograms"
        METRE = "m", "metres"
        LITRE = "l", "litres"
        SET = "set", "sets"

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(max_length=40, validators=[code_validator])
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.MADE)
    unit = models.CharField(max_length=4, choices=Unit.choices, default=Unit.PIECE)
    family = models.ForeignKey(
        ProductFamily, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "code"], name="item_unique_code"),
            models.CheckConstraint(
                condition=Q(kind__in=["made", "bought"]), name="item_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class BOMLineQuerySet(PlantScopedQuerySet):
    plant_path = "parent__plant"


class BOMLine(Timestamped):
    """One component of a made item: `quantity` of the component per unit of the parent."""

    parent = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bom_lines")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="used_in")
    quantity = models.DecimalField(max_digits=12, decimal_places=4)

    objects = BOMLineQuerySet.as_manager()

    class Meta:
        ordering = ["parent__code", "component__code"]
        verbose_name = "BOM line"
        constraints = [
            models.UniqueConstraint(fields=["parent", "component"], name="bomline_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bomline_quantity_gt_0"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("component")), name="bomline_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.code} ← {self.quantity} × {self.component.code}"
