"""Bills of materials. A BOM may never contain its own parent, however deep."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from plant.errors import RuleViolation
from plant.locks import lock_plant
from plant.models import BOMLine, Item


def _would_cycle(parent: Item, component: Item) -> list[str] | None:
    """The path component → … → parent if adding parent ← component closes a loop."""
    children: dict[int, list[int]] = defaultdict(list)
    for p, c in BOMLine.objects.filter(parent__plant=parent.plant_id).values_list(
        "parent_id", "component_id"
    ):
        children[p].append(c)
    codes = dict(Item.objects.filter(plant=parent.plant_id).values_list("pk", "code"))
    stack: list[tuple[int, list[int]]] = [(component.pk, [component.pk])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == parent.pk:
            return [codes[n] for n in path]
        if node in seen:
            continue
        seen.add(node)
        stack.extend((child, [*path, child]) for child in children[node])
    return None


def set_bom_line(*, parent: Item, component: Item, quantity: Decimal) -> BOMLine:
    """Add a component to a made item's BOM, or change its quantity.

    Locks the plant so two concurrent edits cannot together close a cycle.
    """
    with transaction.atomic():
        lock_plant(parent.plant_id)
        if parent.plant_id != component.plant_id:
            raise RuleViolation("A component must belong to the same plant as its parent.")
        if parent.kind != Item.Kind.MADE:
            raise RuleViolation(f"{parent.code} is bought: only made items have a BOM.")
        if quantity is None or Decimal(quantity) <= 0:
            raise RuleViolation(
                "The quantity per unit must be more than zero.",
                detail={"quantity": ["Must be more than zero."]},
            )
        if parent.pk == component.pk:
            raise RuleViolation(f"{parent.code} cannot be a component of itself.")
        path = _would_cycle(parent, component)
        if path:
            loop = " → ".join([parent.code, *path])
            raise RuleViolation(
                f"This would make a cycle in the BOM: {loop}.",
                detail={"cycle": [parent.code, *path]},
            )
        line, _ = BOMLine.objects.update_or_create(
            parent=parent, component=component, defaults={"quantity": Decimal(quantity)}
        )
        return line


def replace_bom(*, parent: Item, lines: list[tuple[Item, Decimal]]) -> list[BOMLine]:
    """Make the item's BOM exactly `lines` (component, quantity per unit), as an ERP sends it.

    Components left out are removed; every kept or new line passes set_bom_line's rules.
    Locks the plant (once, first), all in one transaction.
    """
    components = [component.pk for component, _ in lines]
    if len(set(components)) != len(components):
        raise RuleViolation(
            "A component appears twice in the BOM.", detail={"lines": ["Repeated component."]}
        )
    with transaction.atomic():
        lock_plant(parent.plant_id)
        BOMLine.objects.filter(parent=parent).exclude(component__in=components).delete()
        return [
            set_bom_line(parent=parent, component=component, quantity=quantity)
            for component, quantity in lines
        ]
