"""An item's BOM and the routing editor on its page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plant.models import BOMLine, Operation, OperationMachine, Routing
from plant.services.boms import set_bom_line
from tests.factories.plant import ItemFactory, MachineFactory, WorkCentreFactory, routed_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell(plant):
    wc = WorkCentreFactory(plant=plant, code="CNC")
    return (
        wc,
        MachineFactory(work_centre=wc, code="MIL-1"),
        MachineFactory(work_centre=wc, code="MIL-2"),
    )


def routing_post(wc, *operations, notes: str = "") -> dict[str, str]:
    """Form data as the editor posts it: op-<i>-… and op-<i>-m-<j>-…"""
    data = {"notes": notes}
    for i, (seq, name, machines) in enumerate(operations):
        data |= {
            f"op-{i}-sequence": str(seq),
            f"op-{i}-name": name,
            f"op-{i}-work_centre": str(wc.pk),
            f"op-{i}-min_wait_minutes": "0",
            f"op-{i}-max_wait_minutes": "",
        }
        for j, (machine, setup, run) in enumerate(machines):
            data |= {
                f"op-{i}-m-{j}-machine": str(machine.pk),
                f"op-{i}-m-{j}-setup_minutes": str(setup),
                f"op-{i}-m-{j}-run_minutes_per_unit": str(run),
            }
    return data


def test_a_manager_saves_a_routing_with_two_operations_in_one_post(
    manager_client, plant, cell
) -> None:
    wc, m1, m2 = cell
    item = ItemFactory(plant=plant)
    data = routing_post(
        wc, (10, "Turn", [(m1, 30, "2.5"), (m2, 20, "3")]), (20, "Mill", [(m2, 0, "1")])
    )
    data["op-0-can_pause"] = "on"
    response = manager_client.post(reverse("plant:item-routing", args=[item.pk]), data)
    assert response.status_code == 302
    ops = list(Operation.objects.filter(routing__item=item).order_by("sequence"))
    assert [(o.sequence, o.name, o.can_pause) for o in ops] == [
        (10, "Turn", True),
        (20, "Mill", False),
    ]
    assert OperationMachine.objects.get(operation=ops[0], machine=m1).setup_minutes == 30


def test_the_editor_shows_the_current_routing_of_an_item(manager_client, plant, cell) -> None:
    _, m1, m2 = cell
    item = routed_item(plant, [m1, m2])
    page = manager_client.get(reverse("plant:item-routing", args=[item.pk])).content.decode()
    assert 'name="op-1-name"' in page and 'value="Step 2"' in page
    assert 'name="op-1-m-1-machine"' in page


def test_a_routing_without_operations_is_refused_and_nothing_is_saved(
    manager_client, plant
) -> None:
    item = ItemFactory(plant=plant)
    response = manager_client.post(reverse("plant:item-routing", args=[item.pk]), {"notes": ""})
    assert response.status_code == 422
    assert "A routing needs at least one operation." in response.content.decode()
    assert not Routing.objects.filter(item=item).exists()


def test_an_operation_without_a_machine_is_refused_next_to_that_operation(
    manager_client, plant, cell
) -> None:
    wc, m1, _ = cell
    item = routed_item(plant, [m1], steps=1)
    data = routing_post(wc, (10, "Turn", [(m1, 0, "1")]), (20, "Deburr", []))
    response = manager_client.post(reverse("plant:item-routing", args=[item.pk]), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Operation &#x27;Deburr&#x27; has no eligible machine." in page
    # The old one-step routing is untouched: nothing was half-saved.
    assert list(Operation.objects.filter(routing__item=item).values_list("name", flat=True)) == [
        "Step 1"
    ]


def test_negative_minutes_are_refused_and_nothing_is_saved(manager_client, plant, cell) -> None:
    wc, m1, _ = cell
    item = ItemFactory(plant=plant)
    data = routing_post(wc, (10, "Turn", [(m1, -5, "1")]))
    response = manager_client.post(reverse("plant:item-routing", args=[item.pk]), data)
    assert "Setup minutes on MIL-1 cannot be negative." in response.content.decode()
    assert not Routing.objects.filter(item=item).exists()


def test_a_max_wait_shorter_than_the_min_wait_is_refused(manager_client, plant, cell) -> None:
    wc, m1, _ = cell
    item = ItemFactory(plant=plant)
    data = routing_post(wc, (10, "Harden", [(m1, 0, "1")]))
    data |= {"op-0-min_wait_minutes": "60", "op-0-max_wait_minutes": "30"}
    response = manager_client.post(reverse("plant:item-routing", args=[item.pk]), data)
    assert "The maximum wait is shorter than the minimum wait." in response.content.decode()
    assert not Routing.objects.filter(item=item).exists()


def test_a_run_time_that_is_not_a_number_is_shown_on_its_machine_row(
    manager_client, plant, cell
) -> None:
    wc, m1, _ = cell
    item = ItemFactory(plant=plant)
    data = routing_post(wc, (10, "Turn", [(m1, 0, "fast")]))
    response = manager_client.post(reverse("plant:item-routing", args=[item.pk]), data)
    assert "Run min/unit: Enter a number." in response.content.decode()
    assert not Routing.objects.filter(item=item).exists()


def test_htmx_add_row_returns_a_blank_operation_with_one_machine_line(
    manager_client, plant, cell
) -> None:
    item = ItemFactory(plant=plant)
    response = manager_client.get(
        reverse("plant:item-routing-operation-row", args=[item.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert len(re.findall(r'name="op-\d+-sequence"', body)) == 1
    assert len(re.findall(r'name="op-\d+-m-\d+-run_minutes_per_unit"', body)) == 1
    assert "MIL-2" in body and "<html" not in body


def test_the_item_page_shows_its_routing_and_bom(manager_client, plant, cell) -> None:
    _, m1, _ = cell
    item = routed_item(plant, [m1])
    steel = ItemFactory(plant=plant, code="RM-STEEL", kind="bought")
    set_bom_line(parent=item, component=steel, quantity=Decimal("0.25"))
    page = manager_client.get(reverse("plant:item-detail", args=[item.pk])).content.decode()
    assert "Step 2" in page and "MIL-1" in page and "RM-STEEL" in page and 'value="0.25"' in page


def test_a_manager_adds_changes_and_removes_a_bom_line(manager_client, plant) -> None:
    item, steel = ItemFactory(plant=plant), ItemFactory(plant=plant, kind="bought")
    manager_client.post(
        reverse("plant:item-bom-set", args=[item.pk]), {"component": steel.pk, "quantity": "2"}
    )
    line = BOMLine.objects.get(parent=item, component=steel)
    manager_client.post(
        reverse("plant:item-bom-change", args=[item.pk, line.pk]), {"quantity": "3.5"}
    )
    line.refresh_from_db()
    assert line.quantity == Decimal("3.5")
    manager_client.post(reverse("plant:item-bom-remove", args=[item.pk, line.pk]))
    assert not BOMLine.objects.filter(pk=line.pk).exists()


def test_a_bom_cycle_shows_the_loop_and_saves_nothing(manager_client, plant) -> None:
    top, middle = ItemFactory(plant=plant, code="TOP"), ItemFactory(plant=plant, code="MID")
    set_bom_line(parent=top, component=middle, quantity=Decimal(1))
    response = manager_client.post(
        reverse("plant:item-bom-set", args=[middle.pk]), {"component": top.pk, "quantity": "1"}
    )
    assert response.status_code == 422
    assert "This would make a cycle in the BOM: MID → TOP → MID." in response.content.decode()
    assert not BOMLine.objects.filter(parent=middle).exists()


def test_a_zero_bom_quantity_is_refused(manager_client, plant) -> None:
    item, steel = ItemFactory(plant=plant), ItemFactory(plant=plant, kind="bought")
    response = manager_client.post(
        reverse("plant:item-bom-set", args=[item.pk]), {"component": steel.pk, "quantity": "0"}
    )
    assert "Must be more than zero." in response.content.decode()
    assert not BOMLine.objects.filter(parent=item).exists()
