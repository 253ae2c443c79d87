"""Manager pages for work centres, machines, families and items: the happy paths."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plant.models import Item, Machine, ProductFamily, WorkCentre
from tests.factories.plant import (
    FamilyFactory,
    ItemFactory,
    MachineFactory,
    ShiftPatternFactory,
    WorkCentreFactory,
)

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_work_centre_and_lands_on_its_page(manager_client, plant) -> None:
    response = manager_client.post(
        reverse("plant:workcentre-create"), {"code": "PAINT", "name": "Paint shop"}, follow=True
    )
    wc = WorkCentre.objects.get(plant=plant, code="PAINT")
    assert response.redirect_chain[-1][0] == reverse("plant:workcentre-detail", args=[wc.pk])
    assert "Paint shop" in response.content.decode()


def test_a_duplicate_work_centre_code_is_refused_with_a_message(manager_client, plant) -> None:
    WorkCentreFactory(plant=plant, code="CNC")
    response = manager_client.post(
        reverse("plant:workcentre-create"), {"code": "CNC", "name": "Again"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert WorkCentre.objects.filter(plant=plant, code="CNC").count() == 1


def test_a_manager_adds_a_machine_with_a_shift_pattern_override(manager_client, plant) -> None:
    wc = WorkCentreFactory(plant=plant)
    pattern = ShiftPatternFactory(plant=plant, is_plant_default=False)
    manager_client.post(
        reverse("plant:machine-create"),
        {
            "code": "MIL-9",
            "name": "New mill",
            "work_centre": wc.pk,
            "status": "maintenance",
            "shift_pattern": pattern.pk,
        },
    )
    machine = Machine.objects.get(plant=plant, code="MIL-9")
    assert (machine.status, machine.shift_pattern) == ("maintenance", pattern)


def test_a_machine_cannot_be_put_in_another_plants_work_centre(
    manager_client, plant, other_plant
) -> None:
    foreign = WorkCentreFactory(plant=other_plant)
    response = manager_client.post(
        reverse("plant:machine-create"),
        {"code": "X1", "name": "X", "work_centre": foreign.pk, "status": "available"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Machine.objects.filter(code="X1").exists()


def test_the_machine_list_shows_status_pills_and_filters_by_status(manager_client, plant) -> None:
    MachineFactory(work_centre__plant=plant, code="UP-1", status="available")
    MachineFactory(work_centre__plant=plant, code="BROKEN-1", status="down")
    page = manager_client.get(reverse("plant:machine-list")).content.decode()
    assert 'class="pill pill-down"' in page and "UP-1" in page
    filtered = manager_client.get(reverse("plant:machine-list"), {"status": "down"})
    assert "BROKEN-1" in filtered.content.decode() and "UP-1" not in filtered.content.decode()


def test_an_htmx_search_returns_only_the_rows_fragment(manager_client, plant) -> None:
    ItemFactory(plant=plant, code="SH-100", name="Shaft")
    ItemFactory(plant=plant, code="FL-100", name="Flange")
    response = manager_client.get(
        reverse("plant:item-list"), {"q": "shaft"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "SH-100" in body and "FL-100" not in body
    assert "<html" not in body


def test_a_manager_edits_an_item_and_changes_it_to_bought(manager_client, plant) -> None:
    item = ItemFactory(plant=plant, code="BP-1")
    family = FamilyFactory(plant=plant)
    manager_client.post(
        reverse("plant:item-edit", args=[item.pk]),
        {"code": "BP-1", "name": "Bearing", "kind": "bought", "unit": "pcs", "family": family.pk},
    )
    item.refresh_from_db()
    assert (item.name, item.kind, item.family) == ("Bearing", "bought", family)


def test_deleting_an_unused_family_removes_it(manager_client, plant) -> None:
    family = FamilyFactory(plant=plant)
    response = manager_client.post(reverse("plant:family-delete", args=[family.pk]))
    assert response.status_code == 302
    assert not ProductFamily.objects.filter(pk=family.pk).exists()


def test_deleting_a_work_centre_in_use_shows_what_uses_it_and_deletes_nothing(
    manager_client, plant
) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    response = manager_client.post(
        reverse("plant:workcentre-delete", args=[machine.work_centre.pk])
    )
    assert response.status_code == 409
    assert "still used by 1 machines" in response.content.decode()
    assert WorkCentre.objects.filter(pk=machine.work_centre.pk).exists()


def test_deleting_an_item_used_in_a_bom_is_refused(manager_client, plant) -> None:
    from decimal import Decimal

    from plant.services.boms import set_bom_line

    parent, component = ItemFactory(plant=plant), ItemFactory(plant=plant, kind="bought")
    set_bom_line(parent=parent, component=component, quantity=Decimal(2))
    response = manager_client.post(reverse("plant:item-delete", args=[component.pk]))
    assert response.status_code == 409 and "BOM lines" in response.content.decode()
    assert Item.objects.filter(pk=component.pk).exists()


def test_a_viewer_reads_pages_but_sees_no_edit_buttons(client, plant, viewer) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    client.force_login(viewer)
    page = client.get(reverse("plant:machine-detail", args=[machine.pk])).content.decode()
    assert machine.code in page
    assert reverse("plant:machine-edit", args=[machine.pk]) not in page
    assert "New machine" not in client.get(reverse("plant:machine-list")).content.decode()


def test_the_nav_links_every_master_data_section(manager_client, plant) -> None:
    page = manager_client.get(reverse("plant:home")).content.decode()
    for name in (
        "plant:machine-list",
        "plant:item-list",
        "plant:changeover-list",
        "plant:calendars",
    ):
        assert f'href="{reverse(name)}"' in page
