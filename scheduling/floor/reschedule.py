"""Rescheduling when the shop floor departs from the published plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from plant.models import Plant
from scheduling.errors import RunInvalid
from scheduling.models import ProductionOrder, ScheduleRun
from scheduling.planning.run_settings import RunSettings, Scenario
from scheduling.planning.runs import create_run


def reschedule_from_floor(*, plant: Plant, created_by: Any = None) -> ScheduleRun:
    """Queue a run from now over the published run's horizon (at least a week) for every open
    order: started steps fixed where and since they run, completed ones dropped, machines
    that are down unavailable until their expected return, and the rest kept close to the
    published plan (deviation weight at least 1; the solver warm-starts from it).

    The manager compares the result with the published run and publishes it, or not.
    """
    base = ScheduleRun.objects.for_plant(plant).published().first()
    if base is None:
        raise RunInvalid("Nothing is published yet: plan and publish a schedule first.")
    start = (timezone.now() + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    scenario = Scenario.parse(base.scenario).to_json()
    scenario.update(frozen_until=None, pins=[], from_shop_floor=True)
    return create_run(
        plant=plant,
        name=f"Reschedule {timezone.localtime(start):%d %b %H:%M}",
        horizon_start=start,
        horizon_end=max(base.horizon_end, start + dt.timedelta(days=7)),
        orders=list(ProductionOrder.objects.for_plant(plant).open()),
        settings=RunSettings.stored(base.settings).keeping_close(),
        scenario=scenario,
        base_run=base,
        created_by=created_by,
    )
