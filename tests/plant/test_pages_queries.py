"""Every list page costs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from plant.models import Changeover
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

pytestmark = pytest.mark.django_db
UTC = dt.UTC

# The frame of every page: session, user, the user's plants (asked once, shared by
# current_plant and the plant switcher), the user's roles.
FRAME = 4


def add_rows(plant, n: int) -> None:
    """n more of everything the list pages show, each with its related records."""
    for _ in range(n):
        pattern = ShiftPatternFactory(plant=plant, is_plant_default=False)
        ShiftFactory.create_batch(2, pattern=pattern)
        wc = WorkCentreFactory(plant=plant)
        machine = MachineFactory(work_centre=wc, shift_pattern=pattern, status="down")
        family, other = FamilyFactory(plant=plant), FamilyFactory(plant=plant)
        Changeover.objects.create(
            plant=plant, work_centre=wc, from_family=family, to_family=other, minutes=5
        )
        item = routed_item(plant, [machine])
        item.family = family
        item.save()
        set_bom_line(
            parent=item, component=ItemFactory(plant=plant, kind="bought"), quantity=Decimal(1)
        )
        start = dt.datetime(2026, 12, 1, tzinfo=UTC) + dt.timedelta(
            days=7 * Changeover.objects.count()
        )
        save_calendar_exception(
            plant=plant,
            kind="maintenance",
            machine=machine,
            start=start,
            end=start + dt.timedelta(hours=4),
        )
        save_overtime_offer(
            machine=machine,
            start=start,
            end=start + dt.timedelta(hours=4),
            cost_per_hour=Decimal(50),
        )


LIST_PAGES = [
    ("plant:workcentre-list", FRAME + 1),
    ("plant:machine-list", FRAME + 2),  # rows, the work-centre filter's choices
    ("plant:family-list", FRAME + 1),
    ("plant:item-list", FRAME + 2),  # rows, the family filter's choices
    ("plant:shiftpattern-list", FRAME + 2),  # patterns, their shifts
    ("plant:changeover-list", FRAME + 1),
    ("plant:calendars", FRAME + 4),  # patterns, their shifts, exceptions, overtime
]


@pytest.mark.parametrize(("name", "queries"), LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_one_row_and_for_many(
    manager_client, plant, django_assert_num_queries, name, queries
) -> None:
    add_rows(plant, 1)
    with django_assert_num_queries(queries):
        assert manager_client.get(reverse(name)).status_code == 200
    add_rows(plant, 4)
    with django_assert_num_queries(queries):
        response = manager_client.get(reverse(name))
    assert response.status_code == 200


def test_the_filtered_machine_list_costs_one_more_query_for_the_work_centre_choice(
    manager_client, plant, django_assert_num_queries
) -> None:
    add_rows(plant, 3)
    wc = WorkCentreFactory(plant=plant)
    with django_assert_num_queries(FRAME + 3):  # validate the choice, list, render the choices
        manager_client.get(reverse("plant:machine-list"), {"work_centre": wc.pk, "status": "down"})


def test_the_changeover_matrix_costs_the_same_for_two_families_and_for_ten(
    manager_client, plant, django_assert_num_queries
) -> None:
    wc = WorkCentreFactory(plant=plant)
    FamilyFactory.create_batch(2, plant=plant)
    url = reverse("plant:changeover-detail", args=[wc.pk])
    with django_assert_num_queries(FRAME + 3):  # the work centre, families, entries
        manager_client.get(url)
    FamilyFactory.create_batch(8, plant=plant)
    with django_assert_num_queries(FRAME + 3):
        manager_client.get(url)


def test_an_items_page_costs_the_same_for_a_short_and_a_long_routing(
    manager_client, plant, django_assert_num_queries
) -> None:
    machines = MachineFactory.create_batch(3, work_centre__plant=plant)
    short, long = routed_item(plant, machines[:1], steps=1), routed_item(plant, machines, steps=6)
    counts = []
    for item in (short, long):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            manager_client.get(reverse("plant:item-detail", args=[item.pk]))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
