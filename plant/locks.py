"""Row locks for master data. Always through here, always in pk order."""

from __future__ import annotations

from plant.models import Item, Plant


def lock_plant(plant_id: int) -> Plant:
    """Serialises calendar and BOM edits of one plant (they check the rows of their peers).
    NO KEY UPDATE: rows referring to the plant (a tablet's event) can still be inserted."""
    plant: Plant = Plant.objects.select_for_update(no_key=True).get(pk=plant_id)
    return plant


def lock_items(item_ids: list[int]) -> list[Item]:
    return list(
        Item.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=item_ids)
        .order_by("pk")
    )
