"""Importing production orders: a dry-run preview row by row, then all rows or none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import tablib

from plant.errors import RuleViolation
from plant.imports.services import apply_import, preview_import
from scheduling.models import ProductionOrder
from tests.factories.plant import ItemFactory
from tests.factories.scheduling import OrderFactory

pytestmark = pytest.mark.django_db

HEADER = "external_ref,item,quantity,release_at,due_at,priority\n"
BERLIN_WINTER = dt.timedelta(hours=1)


@pytest.fixture
def shop(plant):
    plant.code = "NW1"
    plant.save()
    ItemFactory(plant=plant, code="SHAFT", name="Shaft")
    ItemFactory(plant=plant, code="BOLT", name="Bolt", kind="bought")
    return plant


def preview(plant, text: str, filename: str = "orders.csv"):
    return preview_import(plant=plant, kind="orders", content=text.encode(), filename=filename)


def apply(plant, text: str):
    return apply_import(plant=plant, kind="orders", content=text.encode(), filename="orders.csv")


def errors_by_row(result) -> dict[int, list[str]]:
    return {row.number: row.errors for row in result.rows if row.errors}


def test_new_orders_are_created_with_times_read_in_the_plants_time_zone(shop) -> None:
    result = apply(
        shop,
        HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04T14:00,rush\n"
        "SO-2,SHAFT,3.5,2026-12-02,2026-12-03 12:00:00+00:00,\n",
    )
    assert result.counts["create"] == 2
    first, second = ProductionOrder.objects.order_by("external_ref")
    assert first.release_at == dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC) - BERLIN_WINTER
    assert first.due_at == dt.datetime(2026, 12, 4, 13, tzinfo=dt.UTC)
    assert first.priority == ProductionOrder.Priority.RUSH and first.quantity == 25
    assert second.release_at == dt.datetime(2026, 12, 1, 23, tzinfo=dt.UTC)  # midnight Berlin
    assert second.due_at == dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)  # its own offset
    assert second.priority == ProductionOrder.Priority.NORMAL
    assert first.plant == shop and first.status == ProductionOrder.Status.OPEN


def test_a_preview_writes_nothing_and_says_create_update_or_unchanged(shop) -> None:
    apply(shop, HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,2\n")
    apply(shop, HEADER + "SO-2,SHAFT,10,2026-12-01 06:00,2026-12-04 14:00,2\n")
    result = preview(
        shop,
        HEADER + "SO-1,SHAFT,25.000,2026-12-01 06:00,2026-12-04 14:00,normal\n"
        "SO-2,SHAFT,12,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO-3,SHAFT,1,2026-12-01 06:00,2026-12-04 14:00,\n",
    )
    assert [(r.number, r.key, r.action) for r in result.rows] == [
        (2, "SO-1", "unchanged"),
        (3, "SO-2", "update"),
        (4, "SO-3", "create"),
    ]
    assert not result.has_errors
    assert ProductionOrder.objects.get(external_ref="SO-2").quantity == 10
    assert not ProductionOrder.objects.filter(external_ref="SO-3").exists()


def test_importing_the_same_file_again_changes_nothing_and_an_edited_file_updates(shop) -> None:
    text = HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,high\n"
    apply(shop, text)
    again = apply(shop, text)
    assert again.counts["unchanged"] == 1 and again.counts["create"] == 0
    order = ProductionOrder.objects.get()
    edited = apply(shop, text.replace("25,", "40,").replace("12-04 14:00", "12-05 14:00"))
    assert edited.counts["update"] == 1
    changed = ProductionOrder.objects.get()
    assert changed.pk == order.pk and changed.quantity == 40
    assert changed.due_at - order.due_at == dt.timedelta(days=1)
    assert changed.priority == ProductionOrder.Priority.HIGH  # kept: the column said high again


def test_every_cell_error_names_its_column_and_row(shop) -> None:
    result = preview(
        shop,
        HEADER + "SO-1,NOPE,25,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO-2,BOLT,0,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO-3,SHAFT,-2,01/12/2026,2026-12-04 14:00,urgent\n"
        "SO-4,SHAFT,abc,,2026-12-04 14:00,9\n"
        "SO-5,SHAFT,5,2026-12-04 14:00,2026-12-04 14:00,\n"
        "SO-6,SHAFT,5,2026-03-29 02:30,2026-04-04 14:00,\n"
        ",SHAFT,5,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO 7,SHAFT,5,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO-8,SHAFT,1.2345,2026-12-01 06:00,2026-12-04 14:00,\n",
    )
    errors = errors_by_row(result)
    assert errors[2] == ["item 'NOPE' does not exist in plant NW1."]
    assert errors[3] == ["item 'BOLT' is bought, not made.", "quantity '0' must be more than 0."]
    assert errors[4] == [
        "quantity '-2' must be more than 0.",
        "release_at '01/12/2026' is not a date and time (use YYYY-MM-DD HH:MM).",
        "priority 'urgent' is not 1 to 4 or one of low, normal, high, rush.",
    ]
    assert errors[5] == [
        "quantity 'abc' is not a number.",
        "release_at is missing.",
        "priority '9' is not 1 to 4 or one of low, normal, high, rush.",
    ]
    assert errors[6] == ["due_at '2026-12-04 14:00' must be after release_at."]
    assert errors[7] == [
        "release_at '2026-03-29 02:30' does not exist in Europe/Berlin: the clocks skip it."
    ]
    assert errors[8] == ["external_ref is missing."]
    assert errors[9][0].startswith("external_ref: ")
    assert errors[10][0].startswith("quantity: ")
    assert result.counts["error"] == 9


def test_a_reference_repeated_in_the_file_is_reported_on_the_later_row(shop) -> None:
    result = preview(
        shop,
        HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO-2,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,\n"
        "SO-1,SHAFT,30,2026-12-01 06:00,2026-12-04 14:00,\n",
    )
    assert errors_by_row(result) == {4: ["external_ref 'SO-1' appears again (first on row 2)."]}


def test_a_done_or_cancelled_order_cannot_be_changed_by_an_import(shop) -> None:
    item = shop.items.get(code="SHAFT")
    OrderFactory(plant=shop, item=item, external_ref="SO-9", status="done")
    result = preview(shop, HEADER + "SO-9,SHAFT,99,2026-12-01 06:00,2026-12-04 14:00,\n")
    assert errors_by_row(result) == {2: ["order SO-9 is done; it can no longer change."]}


def test_an_order_of_another_plant_with_the_same_reference_is_not_touched(
    shop, other_plant
) -> None:
    theirs = OrderFactory(plant=other_plant, external_ref="SO-1", quantity=Decimal("7"))
    ItemFactory(plant=other_plant, code="SHAFT")
    apply(shop, HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,\n")
    theirs.refresh_from_db()
    assert theirs.quantity == 7
    assert ProductionOrder.objects.get(plant=shop).quantity == 25


def test_one_bad_row_means_nothing_is_imported(shop) -> None:
    apply(shop, HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,\n")
    with pytest.raises(RuleViolation) as refused:
        apply(
            shop,
            HEADER + "SO-1,SHAFT,50,2026-12-01 06:00,2026-12-04 14:00,\n"
            "SO-2,SHAFT,5,2026-12-01 06:00,2026-12-04 14:00,\n"
            "SO-3,GHOST,5,2026-12-01 06:00,2026-12-04 14:00,\n",
        )
    assert refused.value.message.startswith("Nothing was imported: row 4: item 'GHOST'")
    assert refused.value.detail == {"rows": ["row 4: item 'GHOST' does not exist in plant NW1."]}
    assert list(ProductionOrder.objects.values_list("external_ref", "quantity")) == [
        ("SO-1", Decimal("25.000"))
    ]


def test_missing_columns_and_other_header_names_are_recognised(shop) -> None:
    missing = preview(shop, "external_ref,item,quantity\nSO-1,SHAFT,2\n")
    assert missing.file_errors == [
        "The file has no 'release_at' column.",
        "The file has no 'due_at' column.",
    ]
    aliased = preview(shop, "Order,Item,Qty,Release,Due\nSO-1,SHAFT,2,2026-12-01,2026-12-02\n")
    assert not aliased.has_errors and aliased.counts["create"] == 1


def test_an_excel_file_with_date_cells_imports_the_same_way(shop) -> None:
    data = tablib.Dataset(
        ["SO-X", "SHAFT", 12, dt.datetime(2026, 7, 1, 6), dt.datetime(2026, 7, 3, 22), 3],
        headers=["external_ref", "item", "quantity", "release_at", "due_at", "priority"],
    )
    apply_import(plant=shop, kind="orders", content=data.export("xlsx"), filename="o.xlsx")
    order = ProductionOrder.objects.get(external_ref="SO-X")
    assert order.release_at == dt.datetime(2026, 7, 1, 4, tzinfo=dt.UTC)  # Berlin summer time
    assert order.due_at == dt.datetime(2026, 7, 3, 20, tzinfo=dt.UTC)


def test_a_preview_costs_the_same_queries_for_one_row_or_many(
    shop, django_assert_num_queries
) -> None:
    one = HEADER + "SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,\n"
    many = HEADER + "".join(
        f"SO-{n},SHAFT,{n},2026-12-01 06:00,2026-12-04 14:00,\n" for n in range(1, 200)
    )
    apply(shop, HEADER + "SO-5,SHAFT,5,2026-12-01 06:00,2026-12-04 14:00,\n")
    with django_assert_num_queries(2):  # items, existing orders
        preview(shop, one)
    with django_assert_num_queries(2):
        assert preview(shop, many).counts == {
            "create": 198, "update": 0, "unchanged": 1, "blocked": 0, "error": 0
        }  # fmt: skip
