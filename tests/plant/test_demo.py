from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from plant.models import Item, Machine, Operation, Plant
from scheduling.models import ProductionOrder

pytestmark = pytest.mark.django_db


def test_the_demo_plant_is_rich_and_loading_it_twice_adds_nothing(capsys) -> None:
    call_command("load_demo_plant", today=dt.date(2026, 11, 16))
    call_command("load_demo_plant", today=dt.date(2026, 11, 16))
    out = capsys.readouterr().out
    assert "login 'manager'" in out and "Already there" in out
    plant = Plant.objects.get(code="NW1")
    assert 12 <= Machine.objects.filter(plant=plant).count() <= 15
    assert Item.objects.filter(plant=plant, kind="made", routing__isnull=False).count() >= 20
    assert 60 <= ProductionOrder.objects.filter(plant=plant).count() <= 100
    steps = [
        Item.objects.get(plant=plant, code=c).routing.operations.count()
        for c in ("SH-210", "GR-100", "BR-100")
    ]
    assert all(2 <= s <= 6 for s in steps)
    assert (
        Operation.objects.filter(routing__item__plant=plant, eligible_machines__isnull=True).count()
        == 0
    )


def test_the_demo_plant_is_deterministic() -> None:
    call_command("load_demo_plant", today=dt.date(2026, 11, 16), no_users=True)
    first = list(
        ProductionOrder.objects.values_list("external_ref", "item__code", "quantity", "due_at")
    )
    ProductionOrder.objects.all().delete()
    call_command("load_demo_plant", today=dt.date(2026, 11, 16), no_users=True)
    assert (
        list(
            ProductionOrder.objects.values_list("external_ref", "item__code", "quantity", "due_at")
        )
        == first
    )
