"""The demo plant's open production orders, spread over the next three weeks."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from plant.calendars import local_to_utc
from plant.demo import MADE
from plant.models import Item, Plant
from scheduling.models import ProductionOrder

ORDER_COUNT = 80
QUANTITY_CHOICES = {
    "SHAFT": (40, 50, 60, 80, 100),
    "FLANGE": (50, 80, 100, 150),
    "BRACKET": (100, 150, 200, 300),
    "HOUSING": (10, 12, 16, 20, 25),
    "GEAR": (40, 50, 60, 80),
}


@transaction.atomic
def load_demo_orders(*, plant: Plant, today: dt.date, seed: int = 7) -> int:
    """Create the demo orders that do not exist yet (by external reference). Returns how many."""
    rng = random.Random(seed)
    items = {i.code: i for i in Item.objects.filter(plant=plant, kind=Item.Kind.MADE)}
    existing = set(
        ProductionOrder.objects.filter(plant=plant).values_list("external_ref", flat=True)
    )
    tz = plant.tz
    orders = []
    for n in range(ORDER_COUNT):
        made = rng.choice(MADE)
        ref = f"SO-{24100 + n}"
        # Releases over the next ten days; due dates on working days of the next three weeks.
        release_day = rng.randint(0, 9)
        due_day = min(21, release_day + rng.randint(3, 11))
        while (today + dt.timedelta(days=due_day)).weekday() >= 5:
            due_day += 1
        due_hour = rng.choice((12, 14, 16, 22))
        orders.append(
            ProductionOrder(
                plant=plant,
                external_ref=ref,
                item=items[made.code],
                quantity=Decimal(rng.choice(QUANTITY_CHOICES[made.family])),
                release_at=local_to_utc(
                    dt.datetime.combine(today + dt.timedelta(days=release_day), dt.time(6)), tz
                ),
                due_at=local_to_utc(
                    dt.datetime.combine(today + dt.timedelta(days=due_day), dt.time(due_hour)), tz
                ),
                priority=rng.choices(
                    list(ProductionOrder.Priority.values), weights=(15, 60, 20, 5)
                )[0],
            )
        )
    new = [o for o in orders if o.external_ref not in existing]
    ProductionOrder.objects.bulk_create(new)
    return len(new)
