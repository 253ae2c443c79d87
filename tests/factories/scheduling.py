from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from scheduling.models import ProductionOrder
from tests.factories.plant import ItemFactory, PlantFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionOrder

    plant = factory.SubFactory(PlantFactory)
    item = factory.SubFactory(ItemFactory, plant=factory.SelfAttribute("..plant"))
    external_ref = factory.Sequence(lambda n: f"SO-{1000 + n}")
    quantity = Decimal("10")
    release_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.release_at + dt.timedelta(days=3))
