"""A small shop floor: one work centre, two machines, a two-step routed item, an order, an
operator with a known PIN, the downtime reasons."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from plant.models import Item, Machine, Operation, Plant
from scheduling.floor.downtime import ensure_downtime_reasons
from scheduling.floor.operations import Actor
from scheduling.models import DowntimeReason, ProductionOrder
from staffing.models import Operator
from staffing.services import save_operator
from tests.factories.plant import MachineFactory, WorkCentreFactory, routed_item
from tests.factories.scheduling import OrderFactory

OPERATOR_PIN = "4711"


@dataclass
class Floor:
    plant: Plant
    machines: list[Machine]
    item: Item
    steps: list[Operation]
    order: ProductionOrder
    operator: Operator
    breakdown: DowntimeReason

    def new_order(self, quantity: str = "10") -> ProductionOrder:
        return OrderFactory(plant=self.plant, item=self.item, quantity=Decimal(quantity))


def build_floor(plant: Plant, *, steps: int = 2, machines: int = 2) -> Floor:
    centre = WorkCentreFactory(plant=plant, code="CNC")
    machine_list = [
        MachineFactory(work_centre=centre, code=f"MIL-{n + 1:02d}") for n in range(machines)
    ]
    item = routed_item(plant, machine_list, steps=steps)
    ensure_downtime_reasons()
    return Floor(
        plant=plant,
        machines=machine_list,
        item=item,
        steps=list(item.routing.operations.order_by("sequence")),
        order=OrderFactory(plant=plant, item=item, quantity=Decimal("10")),
        operator=save_operator(plant=plant, badge="1001", name="Ada Operator", pin=OPERATOR_PIN),
        breakdown=DowntimeReason.objects.get(code="breakdown"),
    )


def actor_for(user, operator=None) -> Actor:
    return Actor(user=user, operator=operator)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def publish_plan(floor: Floor, orders: list[ProductionOrder] | None = None):
    """A published run planning each order's step k on machine k (one hour each, in order)."""
    import datetime as dt

    from django.utils import timezone

    from scheduling.models import ScheduledOperation, ScheduleRun

    now = timezone.now().replace(second=0, microsecond=0)
    ScheduleRun.objects.filter(plant=floor.plant).update(is_published=False)
    run = ScheduleRun.objects.create(
        plant=floor.plant,
        name="Published",
        status="succeeded",
        horizon_start=now - dt.timedelta(hours=2),
        horizon_end=now + dt.timedelta(days=3),
        kpis={"on_time_pct": 100},
        is_published=True,
        published_at=now,
    )
    for slot, order in enumerate(orders or [floor.order]):
        for k, step in enumerate(floor.steps):
            start = now + dt.timedelta(hours=slot + k)
            machine = floor.machines[k % len(floor.machines)]
            ScheduledOperation.objects.create(
                run=run,
                order=order,
                operation=step,
                machine=machine,
                machine_label=machine.code,
                setup_start=start,
                start=start,
                end=start + dt.timedelta(hours=1),
            )
    return run
