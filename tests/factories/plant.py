"""factory_boy factories for master data. Each builds a valid record in one plant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from plant import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class PlantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Plant
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PL{n}")
    name = factory.LazyAttribute(lambda o: f"Plant {o.code}")
    time_zone = "Europe/Berlin"


class WorkCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkCentre

    plant = factory.SubFactory(PlantFactory)
    code = factory.Sequence(lambda n: f"WC{n}")
    name = factory.LazyAttribute(lambda o: f"Work centre {o.code}")


class MachineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Machine

    work_centre = factory.SubFactory(WorkCentreFactory)
    plant = factory.LazyAttribute(lambda o: o.work_centre.plant)
    code = factory.Sequence(lambda n: f"M{n}")
    name = factory.LazyAttribute(lambda o: f"Machine {o.code}")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProductFamily

    plant = factory.SubFactory(PlantFactory)
    code = factory.Sequence(lambda n: f"FAM{n}")
    name = factory.LazyAttribute(lambda o: f"Family {o.code}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Item

    plant = factory.SubFactory(PlantFactory)
    code = factory.Sequence(lambda n: f"IT-{n}")
    name = factory.LazyAttribute(lambda o: f"Item {o.code}")
    kind = models.Item.Kind.MADE


class ShiftPatternFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ShiftPattern

    plant = factory.SubFactory(PlantFactory)
    name = factory.Sequence(lambda n: f"Pattern {n}")
    is_plant_default = True


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Shift

    pattern = factory.SubFactory(ShiftPatternFactory)
    weekday = 0
    start_time = dt.time(6)
    end_time = dt.time(14)


def routed_item(
    plant: models.Plant, machines: list[models.Machine], *, steps: int = 2
) -> models.Item:
    """A made item whose routing has `steps` operations, each eligible on every machine given."""
    from plant.services.routings import EligibleMachineSpec, OperationSpec, save_routing

    item = ItemFactory(plant=plant)
    save_routing(
        item=item,
        operations=[
            OperationSpec(
                sequence=10 * (i + 1),
                name=f"Step {i + 1}",
                work_centre=machines[0].work_centre,
                machines=[
                    EligibleMachineSpec(machine=m, run_minutes_per_unit=Decimal("1.5"))
                    for m in machines
                ],
            )
            for i in range(steps)
        ],
    )
    return item
