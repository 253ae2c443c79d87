"""Composite reads that feed the plant pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest

from plant.errors import NotFound
from plant.models import (
    CalendarException,
    Changeover,
    Item,
    Machine,
    Operation,
    OperationMachine,
    OvertimeOffer,
    Plant,
    ProductFamily,
    Routing,
    ShiftPattern,
    WorkCentre,
)

SESSION_PLANT_KEY = "plant_id"


def plants_of(user: Any) -> list[Plant]:
    return list(Plant.objects.for_user(user).only("pk", "code", "name", "time_zone"))


def current_plant(request: HttpRequest) -> Plant | None:
    """The plant the user is working in: the one chosen this session, else their first."""
    cached: Plant | None = getattr(request, "_current_plant", None)
    if cached is not None:
        return cached
    plants = plants_of(request.user)
    request._user_plants = plants  # type: ignore[attr-defined]
    chosen = request.session.get(SESSION_PLANT_KEY)
    plant = next((p for p in plants if p.pk == chosen), plants[0] if plants else None)
    request._current_plant = plant  # type: ignore[attr-defined]
    return plant


def require_plant(request: HttpRequest) -> Plant:
    """The plant the user is working in; 404 for a user who belongs to none."""
    plant = current_plant(request)
    if plant is None:
        raise NotFound("You do not belong to any plant.")
    return plant


def plant_overview(plant: Plant) -> dict[str, Any]:
    """Counts and machine states for the plant's home page."""
    machines = list(
        Machine.objects.filter(plant=plant)
        .select_related("work_centre")
        .order_by("work_centre__code", "code")
    )
    return {
        "machines": machines,
        "machine_status": {
            status: sum(1 for m in machines if m.status == status)
            for status in Machine.Status.values
        },
        "work_centres": list(
            WorkCentre.objects.filter(plant=plant).annotate(machine_count=Count("machines"))
        ),
        "item_counts": dict(
            Item.objects.filter(plant=plant).values_list("kind").annotate(n=Count("pk")).order_by()
        ),
    }


# --- Master-data pages --------------------------------------------------------------------
# Each list selector takes the plant and the (already cleaned) filters of its page and costs a
# fixed number of queries whatever the number of rows.


def _search(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    q = q.strip()
    return queryset.filter(Q(code__icontains=q) | Q(name__icontains=q)) if q else queryset


def work_centre_rows(plant: Plant, *, q: str = "") -> QuerySet[WorkCentre]:
    rows = WorkCentre.objects.filter(plant=plant).annotate(machine_count=Count("machines"))
    return _search(rows, q)


def machine_rows(
    plant: Plant, *, q: str = "", status: str = "", work_centre: WorkCentre | None = None
) -> QuerySet[Machine]:
    rows = _search(
        Machine.objects.filter(plant=plant).select_related("work_centre", "shift_pattern"), q
    )
    if status:
        rows = rows.filter(status=status)
    if work_centre is not None:
        rows = rows.filter(work_centre=work_centre)
    return rows.order_by("work_centre__code", "code")


def family_rows(plant: Plant, *, q: str = "") -> QuerySet[ProductFamily]:
    return _search(ProductFamily.objects.filter(plant=plant).annotate(item_count=Count("items")), q)


def item_rows(
    plant: Plant, *, q: str = "", kind: str = "", family: ProductFamily | None = None
) -> QuerySet[Item]:
    rows = _search(
        Item.objects.filter(plant=plant)
        .select_related("family", "routing")
        .annotate(component_count=Count("bom_lines")),
        q,
    )
    if kind:
        rows = rows.filter(kind=kind)
    if family is not None:
        rows = rows.filter(family=family)
    return rows


def shift_pattern_rows(plant: Plant) -> QuerySet[ShiftPattern]:
    return (
        ShiftPattern.objects.filter(plant=plant)
        .annotate(machine_count=Count("machines"))
        .prefetch_related("shifts")
    )


def calendar_exception_rows(plant: Plant, *, kind: str = "") -> QuerySet[CalendarException]:
    rows = CalendarException.objects.filter(plant=plant).select_related("machine")
    return rows.filter(kind=kind) if kind else rows


def overtime_offer_rows(plant: Plant) -> QuerySet[OvertimeOffer]:
    return OvertimeOffer.objects.filter(plant=plant).select_related("machine")


def item_structure(item: Item) -> dict[str, Any]:
    """An item's BOM, where it is used and its routing with each operation's machines."""
    routing = (
        Routing.objects.filter(item=item)
        .prefetch_related(
            Prefetch(
                "operations",
                Operation.objects.select_related("work_centre").prefetch_related(
                    Prefetch(
                        "eligible_machines",
                        OperationMachine.objects.select_related("machine"),
                    )
                ),
            )
        )
        .first()
    )
    bom_lines = list(item.bom_lines.select_related("component"))
    for line in bom_lines:
        # 0.2500 reads as 0.25 (and 10.0000 as 10), without scientific notation.
        line.quantity_text = format(line.quantity.normalize(), "f")
    return {
        "bom_lines": bom_lines,
        "used_in": list(item.used_in.select_related("parent")),
        "routing": routing,
        "operations": list(routing.operations.all()) if routing else [],
    }


def bom_candidates(item: Item) -> QuerySet[Item]:
    """Items that could be added to `item`'s BOM (cycles are refused by the service)."""
    return (
        Item.objects.filter(plant_id=item.plant_id).exclude(pk=item.pk).only("pk", "code", "name")
    )


def changeover_grid(work_centre: WorkCentre) -> dict[str, Any]:
    """Families × families minutes of one work centre: rows of (from, [(to, changeover)])."""
    families = list(ProductFamily.objects.filter(plant_id=work_centre.plant_id))
    entries = {
        (c.from_family_id, c.to_family_id): c
        for c in Changeover.objects.filter(work_centre=work_centre)
    }
    return {
        "families": families,
        "rows": [(a, [(b, entries.get((a.pk, b.pk))) for b in families]) for a in families],
    }


def changeover_at(
    work_centre: WorkCentre, from_family: ProductFamily, to_family: ProductFamily
) -> Changeover | None:
    return Changeover.objects.filter(
        work_centre=work_centre, from_family=from_family, to_family=to_family
    ).first()
