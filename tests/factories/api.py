"""One of every master-data record in a plant, for tests that walk the whole API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from plant import models
from plant.services.boms import set_bom_line
from plant.services.calendars import save_calendar_exception, save_overtime_offer
from tests.factories.plant import (
    FamilyFactory,
    ItemFactory,
    MachineFactory,
    ShiftFactory,
    ShiftPatternFactory,
    WorkCentreFactory,
    routed_item,
)


def master_data(plant: models.Plant) -> dict[type[Any], Any]:
    """A record of each master-data model in `plant`, keyed by model."""
    centre = WorkCentreFactory(plant=plant, code="MILL")
    machine = MachineFactory(work_centre=centre, code="MIL-01")
    family = FamilyFactory(plant=plant, code="FAM-A")
    item = routed_item(plant, [machine])
    component = ItemFactory(plant=plant, code="STEEL", kind=models.Item.Kind.BOUGHT)
    line = set_bom_line(parent=item, component=component, quantity=Decimal("2"))
    pattern = ShiftPatternFactory(plant=plant)
    ShiftFactory(pattern=pattern)
    start = dt.datetime(2030, 1, 1, 6, tzinfo=dt.UTC)
    exception = save_calendar_exception(
        plant=plant, kind="holiday", start=start, end=start + dt.timedelta(days=1)
    )
    offer = save_overtime_offer(
        machine=machine, start=start, end=start + dt.timedelta(hours=4), cost_per_hour=Decimal(50)
    )
    changeover = models.Changeover.objects.create(
        plant=plant, from_family=family, to_family=family, work_centre=centre, minutes=15
    )
    return {
        models.Plant: plant,
        models.WorkCentre: centre,
        models.Machine: machine,
        models.ProductFamily: family,
        models.Item: item,
        models.BOMLine: line,
        models.Routing: item.routing,
        models.Changeover: changeover,
        models.ShiftPattern: pattern,
        models.CalendarException: exception,
        models.OvertimeOffer: offer,
    }
