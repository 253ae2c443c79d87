"""Fetch scheduling records the user may see (404 across plants) and check planning rights."""

from __future__ import annotations

from typing import Any

from plant.access import access_record, check_role
from plant.models import Role
from scheduling.models import ProductionOrder, ScheduleRun

PLAN = frozenset({Role.MANAGER})


def access_run(user: Any, pk: Any, *, plan: bool = False) -> ScheduleRun:
    run = access_record(user, ScheduleRun.objects.select_related("plant"), pk)
    if plan:
        check_role(user, PLAN, "plan schedules")
    return run


def access_order(user: Any, pk: Any, *, edit: bool = False) -> ProductionOrder:
    order = access_record(user, ProductionOrder.objects.select_related("item", "plant"), pk)
    if edit:
        check_role(user, PLAN, "change production orders")
    return order
