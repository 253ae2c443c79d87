"""Composite reads that feed the plant pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from plant.models import Item, Machine, Plant, WorkCentre

SESSION_PLANT_KEY = "plant_id"


def plants_of(user: Any) -> list[Plant]:
    return list(Plant.objects.for_user(user).only("pk", "code", "name", "time_zone"))


def current_plant(request: HttpRequest) -> Plant | None:
    """The plant the user is working in: the one chosen this session, else their first."""
    cached: Plant | None = getattr(request, "_current_plant", None)
    if cached is not None:
        return cached
    plants = plants_of(request.user)
    chosen = request.session.get(SESSION_PLANT_KEY)
    plant = next((p for p in plants if p.pk == chosen), plants[0] if plants else None)
    request._current_plant = plant  # type: ignore[attr-defined]
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
