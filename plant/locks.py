"""Row locks for master data, and `locking`, which every app's locks go through. Always in
pk order.

Every lock names the rows it takes (`of`) and takes them FOR NO KEY UPDATE. A model's
default ordering joins the plant (`plant__code`), and a bare FOR UPDATE over a join locks
the joined plant's row too: every shop-floor event and order upsert in a plant then queued
behind each other, and each insert's foreign-key check on the plant (FOR KEY SHARE) waited
as well. NO KEY UPDATE still excludes another NO KEY UPDATE of the same row, but lets rows
that refer to it be inserted meanwhile.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from plant.models import Item, Plant

M = TypeVar("M", bound=Model)


def locking(queryset: QuerySet[M], *also: str) -> QuerySet[M]:
    """`queryset` locking its own rows (and the related rows named in `also`) only."""
    return queryset.select_for_update(of=("self", *also), no_key=True)


def lock_plant(plant_id: int) -> Plant:
    """Serialises calendar and BOM edits of one plant (they check the rows of their peers).
    NO KEY UPDATE: rows referring to the plant (a tablet's event) can still be inserted."""
    plant: Plant = locking(Plant.objects.all()).get(pk=plant_id)
    return plant


def lock_items(item_ids: list[int]) -> list[Item]:
    return list(locking(Item.objects.filter(pk__in=item_ids)).order_by("pk"))
