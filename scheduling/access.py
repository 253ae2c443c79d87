"""Fetch scheduling records the user may see (404 across plants) and check planning rights."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from plant.access import access_record, check_role
from plant.errors import NotFound
from plant.models import Machine, Operation, Plant, Role
from scheduling.errors import OperationRuleViolation
from scheduling.models import (
    DowntimeReason,
    MachineState,
    ProductionOrder,
    ScheduledOperation,
    ScheduleRun,
)
from staffing.models import Operator

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


def access_machine_code(plant: Plant, code: str) -> Machine:
    """A machine of a plant the caller already accessed, by code, with its up/down `version`
    (for If-Match on down and up)."""
    state = MachineState.objects.filter(machine=OuterRef("pk")).values("version")
    machine: Machine | None = (
        Machine.objects.filter(plant=plant, code=code)
        .annotate(version=Coalesce(Subquery(state), 0))
        .first()
    )
    if machine is None:
        raise NotFound(f"No machine '{code}' in plant {plant.code}.")
    return machine


def access_step(order: ProductionOrder, *, pk: Any = None, sequence: Any = None) -> Operation:
    """A step of the order's routing, by id (the pages) or by sequence number (the API)."""
    steps = Operation.objects.filter(routing__item_id=order.item_id).select_related("routing")
    try:
        step: Operation | None = (
            steps.filter(pk=pk) if pk is not None else steps.filter(sequence=sequence)
        ).first()
    except (ValueError, TypeError):
        step = None
    if step is None:
        which = f"step {sequence}" if pk is None else "such step"
        raise NotFound(f"Order {order.external_ref} has no {which}.")
    return step


def access_reason(code: str | None) -> DowntimeReason:
    """An active downtime reason by code (the catalogue is shared by every plant)."""
    reason = DowntimeReason.objects.filter(code=code or "", is_active=True).first()
    if reason is None:
        raise OperationRuleViolation("Give a reason code from /api/v1/floor/downtime-reasons/.")
    return reason


def access_operator(plant: Plant, badge: str | None) -> Operator | None:
    """The active operator with this badge at the plant; None when no badge is given."""
    if not badge:
        return None
    operator: Operator | None = Operator.objects.active().filter(plant=plant, badge=badge).first()
    if operator is None:
        raise OperationRuleViolation(f"No active operator with badge {badge}.")
    return operator


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
