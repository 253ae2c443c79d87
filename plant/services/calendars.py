"""Calendar exceptions and overtime offers, checked against their neighbours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from plant.errors import RuleViolation
from plant.locks import lock_plant
from plant.models import CalendarException, Machine, OvertimeOffer, Plant


def _check_span(start: dt.datetime, end: dt.datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise RuleViolation("Start and end need a time zone.")
    if end <= start:
        raise RuleViolation(
            "The end must be after the start.", detail={"end": ["Must be after the start."]}
        )


def save_calendar_exception(
    *,
    plant: Plant,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    machine: Machine | None = None,
    reason: str = "",
    exception: CalendarException | None = None,
) -> CalendarException:
    """Record a holiday, maintenance window or extra shift; with `exception`, change that one.

    Refuses one that overlaps another exception of the same scope (the plant, or the same
    machine), since which of the two holds would be ambiguous. Locks the plant row.
    """
    _check_span(start, end)
    if kind not in CalendarException.Kind.values:
        raise RuleViolation(f"Unknown exception kind '{kind}'.")
    if machine is not None and machine.plant_id != plant.pk:
        raise RuleViolation("The machine belongs to another plant.")
    if kind == CalendarException.Kind.MAINTENANCE and machine is None:
        raise RuleViolation(
            "Maintenance is for one machine: choose it.",
            detail={"machine": ["Required for maintenance."]},
        )
    with transaction.atomic():
        lock_plant(plant.pk)
        clash = (
            CalendarException.objects.filter(
                plant=plant, machine=machine, start__lt=end, end__gt=start
            )
            .exclude(pk=exception.pk if exception else None)
            .order_by("start")
            .first()
        )
        if clash is not None:
            raise RuleViolation(
                f"It overlaps {clash.get_kind_display().lower()} "
                f"{clash.start:%Y-%m-%d %H:%M}–{clash.end:%Y-%m-%d %H:%M} UTC.",
                detail={"start": ["Overlaps another exception."]},
            )
        record = exception or CalendarException(plant=plant)
        record.machine, record.kind, record.start, record.end = machine, kind, start, end
        record.reason = reason
        record.save()
        return record


def save_overtime_offer(
    *,
    machine: Machine,
    start: dt.datetime,
    end: dt.datetime,
    cost_per_hour: Decimal,
    note: str = "",
    offer: OvertimeOffer | None = None,
) -> OvertimeOffer:
    """Offer a machine for extra work in a window; with `offer`, change that one. Offers of
    one machine may not overlap."""
    _check_span(start, end)
    if Decimal(cost_per_hour) < 0:
        raise RuleViolation(
            "The cost per hour cannot be negative.",
            detail={"cost_per_hour": ["Cannot be negative."]},
        )
    with transaction.atomic():
        lock_plant(machine.plant_id)
        others = OvertimeOffer.objects.filter(machine=machine, start__lt=end, end__gt=start)
        if others.exclude(pk=offer.pk if offer else None).exists():
            raise RuleViolation(f"{machine.code} already has an overtime offer in that window.")
        record = offer or OvertimeOffer(plant_id=machine.plant_id)
        record.machine, record.start, record.end, record.note = machine, start, end, note
        record.cost_per_hour = Decimal(cost_per_hour)
        record.save()
        return record
