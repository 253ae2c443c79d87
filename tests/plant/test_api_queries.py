"""Every list endpoint costs a fixed number of queries, however many rows it returns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plant.api.urls import router
from tests.factories.api import master_data

pytestmark = pytest.mark.django_db

# Session, user, the page itself, plus one per prefetched relation.
EXPECTED_QUERIES = {
    "plant-list": 3,
    "work-centre-list": 3,
    "machine-list": 3,
    "product-family-list": 3,
    "item-list": 3,
    "routing-list": 5,  # + operations, + eligible machines
    "changeover-list": 3,
    "shift-pattern-list": 4,  # + shifts
    "calendar-exception-list": 3,
    "overtime-offer-list": 3,
}


def list_names() -> list[str]:
    return [
        p.name
        for p in router.urls
        if p.name and p.name.endswith("-list") and "<format>" not in str(p.pattern)
    ]


def test_every_list_endpoint_has_a_pinned_query_count() -> None:
    assert sorted(list_names()) == sorted(EXPECTED_QUERIES)


@pytest.mark.parametrize("name", sorted(EXPECTED_QUERIES))
def test_a_list_costs_the_same_queries_for_one_plant_or_three(
    client, django_assert_num_queries, plant, manager, name
) -> None:
    from plant.models import PlantMembership
    from tests.factories.plant import PlantFactory

    client.force_login(manager)
    master_data(plant)
    with django_assert_num_queries(EXPECTED_QUERIES[name]):
        few = client.get(reverse(name)).json()["results"]
    for code in ("P3", "P4"):
        more = PlantFactory(code=code)
        PlantMembership.objects.create(user=manager, plant=more)
        master_data(more)
    with django_assert_num_queries(EXPECTED_QUERIES[name]):
        many = client.get(reverse(name)).json()["results"]
    assert len(many) == 3 * len(few) > 0
