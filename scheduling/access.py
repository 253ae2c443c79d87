"""Fetch scheduling records the user may see (404 across plants) and check planning rights."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Exists, Value
from django.db.models.expressions import Combinable

from plant.access import access_record, check_role
from plant.errors import NotFound
from plant.models import Machine, Role
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun

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


# Who may record shop-floor events: supervisors on tablets, managers, and terminals/MES
# through an ERP-integration user. Viewers only look.
FLOOR = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.ERP})


def access_machine(user: Any, pk: Any, *, act: bool = False) -> Machine:
    machine = access_record(user, Machine.objects.select_related("plant", "work_centre"), pk)
    if act:
        check_role(user, FLOOR, "record shop-floor events")
    return machine


def access_scheduled_operation(run: ScheduleRun, pk: Any) -> ScheduledOperation:
    """One operation of a run the caller already accessed (404 if it belongs to another)."""
    op = (
        ScheduledOperation.objects.select_related("order", "operation")
        .filter(run=run, pk=pk)
        .first()
    )
    if op is None:
        raise NotFound("No such operation in this run.")
    return op


def may_record_floor_events(user: Any) -> Combinable:
    """Whether `user` may record shop-floor events, as a column to read along with the record
    an event acts on: the event path saves a query. Same rule as `check_role(user, FLOOR)`."""
    if user.is_superuser:
        return Value(True)
    return Exists(Group.objects.filter(user=user.pk, name__in=FLOOR))
