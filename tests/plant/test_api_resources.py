"""Reading and writing master data over the API, as a plant manager and an ERP would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from plant.models import BOMLine, Item, Machine, Routing, ShiftPattern
from tests.factories.api import master_data
from tests.factories.plant import ItemFactory, MachineFactory, WorkCentreFactory

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict[str, Any]):
    return client.post(url, data, content_type="application/json")


def routing_payload(item: str, machine: str, centre: str = "MILL") -> dict[str, Any]:
    return {
        "plant": "P1",
        "item": item,
        "operations": [
            {
                "sequence": 10,
                "name": "Mill",
                "work_centre": centre,
                "machines": [{"machine": machine, "run_minutes_per_unit": "2.5"}],
            },
            {
                "sequence": 20,
                "name": "Deburr",
                "work_centre": centre,
                "min_wait_minutes": 5,
                "machines": [{"machine": machine, "setup_minutes": 3, "run_minutes_per_unit": "1"}],
            },
        ],
    }


def test_a_manager_creates_a_machine_naming_its_work_centre_by_code(manager_client, plant) -> None:
    WorkCentreFactory(plant=plant, code="MILL")
    response = post(
        manager_client,
        "/api/v1/machines/",
        {"plant": "P1", "code": "MIL-02", "name": "Second mill", "work_centre": "MILL"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["plant"], body["work_centre"], body["status"]) == ("P1", "MILL", "available")
    assert Machine.objects.get(code="MIL-02").work_centre.code == "MILL"


def test_an_unknown_work_centre_code_is_refused_naming_the_field(manager_client, plant) -> None:
    response = post(
        manager_client,
        "/api/v1/machines/",
        {"plant": "P1", "code": "MIL-09", "name": "Ghost", "work_centre": "NOPE"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "work_centre: Work centre 'NOPE' does not exist in plant P1.",
        "detail": {"work_centre": ["Work centre 'NOPE' does not exist in plant P1."]},
    }


def test_a_manager_cannot_create_in_a_plant_they_do_not_belong_to(
    manager_client, plant, other_plant
) -> None:
    WorkCentreFactory(plant=other_plant, code="MILL")
    response = post(
        manager_client,
        "/api/v1/work-centres/",
        {"plant": "P2", "code": "NEW", "name": "Sneaky"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == {"plant": ["There is no plant with code 'P2'."]}


def test_a_duplicate_code_is_a_rule_violation(manager_client, plant) -> None:
    WorkCentreFactory(plant=plant, code="MILL")
    response = post(
        manager_client, "/api/v1/work-centres/", {"plant": "P1", "code": "MILL", "name": "x"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule_violation"


def test_patching_a_machine_changes_only_what_is_sent_and_never_its_plant(
    manager_client, plant
) -> None:
    machine = MachineFactory(work_centre__plant=plant, code="MIL-01", name="Mill")
    url = f"/api/v1/machines/{machine.pk}/"
    response = manager_client.patch(url, {"status": "down"}, content_type="application/json")
    assert response.status_code == 200
    machine.refresh_from_db()
    assert (machine.status, machine.name) == ("down", "Mill")
    moved = manager_client.patch(url, {"plant": "P9"}, content_type="application/json")
    assert moved.status_code == 400 and "plant" in moved.json()["detail"]


def test_deleting_a_machine_a_routing_uses_is_a_409_saying_what_uses_it(
    manager_client, plant
) -> None:
    records = master_data(plant)
    response = manager_client.delete(f"/api/v1/machines/{records[Machine].pk}/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "in_use"
    assert body["message"].startswith("Cannot delete machine MIL-01")
    assert "operation machines" in body["message"]
    assert Machine.objects.filter(pk=records[Machine].pk).exists()


def test_deleting_an_unused_item_works(manager_client, plant) -> None:
    item = ItemFactory(plant=plant)
    assert manager_client.delete(f"/api/v1/items/{item.pk}/").status_code == 204
    assert not Item.objects.filter(pk=item.pk).exists()


def test_a_routing_is_written_whole_with_machines_by_code_and_read_back_nested(
    manager_client, plant
) -> None:
    MachineFactory(work_centre=WorkCentreFactory(plant=plant, code="MILL"), code="MIL-01")
    ItemFactory(plant=plant, code="SHAFT")
    created = post(manager_client, "/api/v1/routings/", routing_payload("SHAFT", "MIL-01"))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["plant"], body["item"]) == ("P1", "SHAFT")
    assert [op["sequence"] for op in body["operations"]] == [10, 20]
    assert body["operations"][1]["machines"] == [
        {"machine": "MIL-01", "setup_minutes": 3, "run_minutes_per_unit": "1.000"}
    ]
    payload = routing_payload("SHAFT", "MIL-01")
    payload["operations"] = payload["operations"][:1]
    replaced = manager_client.put(
        f"/api/v1/routings/{body['id']}/", payload, content_type="application/json"
    )
    assert replaced.status_code == 200
    assert [op["sequence"] for op in replaced.json()["operations"]] == [10]


def test_a_routing_naming_an_unknown_machine_saves_nothing(manager_client, plant) -> None:
    WorkCentreFactory(plant=plant, code="MILL")
    ItemFactory(plant=plant, code="SHAFT")
    response = post(manager_client, "/api/v1/routings/", routing_payload("SHAFT", "MIL-09"))
    assert response.status_code == 400
    assert response.json()["detail"]["operations"][0] == (
        "Operation 10: machine 'MIL-09' does not exist in plant P1."
    )
    assert not Routing.objects.exists()


def test_a_bought_item_cannot_get_a_routing(manager_client, plant) -> None:
    MachineFactory(work_centre=WorkCentreFactory(plant=plant, code="MILL"), code="MIL-01")
    ItemFactory(plant=plant, code="BOLT", kind=Item.Kind.BOUGHT)
    response = post(manager_client, "/api/v1/routings/", routing_payload("BOLT", "MIL-01"))
    assert response.status_code == 422
    assert response.json()["message"] == "BOLT is bought, not made: it has no routing."


def test_bom_lines_are_set_listed_refused_on_cycles_and_removed(manager_client, plant) -> None:
    top = ItemFactory(plant=plant, code="TOP")
    sub = ItemFactory(plant=plant, code="SUB")
    assert (
        post(
            manager_client, f"/api/v1/items/{top.pk}/bom/", {"component": "SUB", "quantity": "2"}
        ).status_code
        == 201
    )
    cycle = post(
        manager_client, f"/api/v1/items/{sub.pk}/bom/", {"component": "TOP", "quantity": "1"}
    )
    assert cycle.status_code == 422
    assert cycle.json()["detail"] == {"cycle": ["SUB", "TOP", "SUB"]}
    lines = manager_client.get(f"/api/v1/items/{top.pk}/bom/").json()
    assert [(line["component"], line["quantity"]) for line in lines] == [("SUB", "2.0000")]
    assert manager_client.delete(f"/api/v1/items/{top.pk}/bom/SUB/").status_code == 204
    assert not BOMLine.objects.exists()
    gone = manager_client.delete(f"/api/v1/items/{top.pk}/bom/SUB/")
    assert gone.status_code == 404 and gone.json()["message"] == "TOP has no BOM line for 'SUB'."


def test_lists_filter_by_plant_and_updated_since(client, plant, other_plant, manager) -> None:
    from plant.models import PlantMembership

    PlantMembership.objects.create(user=manager, plant=other_plant)
    client.force_login(manager)
    old = ItemFactory(plant=plant, code="OLD")
    Item.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    ItemFactory(plant=plant, code="NEW")
    ItemFactory(plant=other_plant, code="THERE")

    def codes(query: str) -> list[str]:
        return [row["code"] for row in client.get(f"/api/v1/items/{query}").json()["results"]]

    assert codes("") == ["OLD", "NEW", "THERE"]
    assert codes("?plant=P2") == ["THERE"]
    since = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert codes(f"?plant=P1&updated_since={since}") == ["NEW"]
    bad = client.get("/api/v1/items/?updated_since=yesterday")
    assert bad.status_code == 400 and "updated_since" in bad.json()["detail"]


def test_cursor_pages_walk_every_row_once(manager_client, plant) -> None:
    for n in range(5):
        ItemFactory(plant=plant, code=f"I{n}")
    seen, url = [], "/api/v1/items/?page_size=2"
    while url:
        page = manager_client.get(url).json()
        seen += [row["code"] for row in page["results"]]
        url = page["next"]
    assert seen == [f"I{n}" for n in range(5)]


def test_calendar_exceptions_go_through_their_service_rules(manager_client, plant) -> None:
    payload = {
        "plant": "P1",
        "kind": "holiday",
        "start": "2030-05-01T00:00:00Z",
        "end": "2030-05-02T00:00:00Z",
    }
    assert post(manager_client, "/api/v1/calendar-exceptions/", payload).status_code == 201
    clash = post(manager_client, "/api/v1/calendar-exceptions/", payload)
    assert clash.status_code == 422 and clash.json()["detail"] == {
        "start": ["Overlaps another exception."]
    }
    maintenance = post(
        manager_client, "/api/v1/calendar-exceptions/", {**payload, "kind": "maintenance"}
    )
    assert maintenance.status_code == 422 and "machine" in maintenance.json()["detail"]


def test_an_overtime_offer_names_its_machine_by_code(manager_client, plant) -> None:
    MachineFactory(work_centre__plant=plant, code="MIL-01")
    response = post(
        manager_client,
        "/api/v1/overtime-offers/",
        {
            "plant": "P1",
            "machine": "MIL-01",
            "start": "2030-05-01T16:00:00Z",
            "end": "2030-05-01T20:00:00Z",
            "cost_per_hour": "45.00",
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["machine"], response.json()["cost_per_hour"]) == ("MIL-01", "45.00")


def test_a_shift_pattern_is_written_whole_with_its_shifts(manager_client, plant) -> None:
    shifts = [{"weekday": d, "start_time": "06:00", "end_time": "14:00"} for d in range(5)]
    created = post(
        manager_client,
        "/api/v1/shift-patterns/",
        {"plant": "P1", "name": "Early", "shifts": shifts},
    )
    assert created.status_code == 201, created.content
    assert len(created.json()["shifts"]) == 5
    night = [{"weekday": 0, "start_time": "22:00", "end_time": "06:00", "crosses_midnight": True}]
    url = f"/api/v1/shift-patterns/{created.json()['id']}/"
    replaced = manager_client.put(
        url, {"name": "Night", "shifts": night}, content_type="application/json"
    )
    assert replaced.status_code == 200, replaced.content
    assert [s["start_time"] for s in replaced.json()["shifts"]] == ["22:00:00"]
    broken = [{"weekday": 0, "start_time": "22:00", "end_time": "06:00"}]
    refused = manager_client.put(
        url, {"name": "Broken", "shifts": broken}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert ShiftPattern.objects.get().name == "Night"


def test_replacing_a_routing_without_a_step_the_floor_uses_is_a_409_saying_what_uses_it(
    manager_client, plant
) -> None:
    from scheduling.models import OperationExecution
    from tests.factories.scheduling import OrderFactory
    from tests.snapshots import unchanged

    mill = MachineFactory(work_centre=WorkCentreFactory(plant=plant, code="MILL"), code="MIL-01")
    item = ItemFactory(plant=plant, code="SHAFT")
    body = post(manager_client, "/api/v1/routings/", routing_payload("SHAFT", "MIL-01")).json()
    deburr = Routing.objects.get(item=item).operations.get(sequence=20)
    OperationExecution.objects.create(
        plant=plant,
        order=OrderFactory(plant=plant, item=item),
        operation=deburr,
        machine=mill,
        status="running",
        actual_start=timezone.now(),
    )
    payload = routing_payload("SHAFT", "MIL-01")
    payload["operations"] = payload["operations"][:1]
    with unchanged():
        replaced = manager_client.put(
            f"/api/v1/routings/{body['id']}/", payload, content_type="application/json"
        )
    assert replaced.status_code == 409 and replaced.json()["code"] == "in_use"
    assert "step 20 Deburr cannot be removed" in replaced.json()["message"]
    assert replaced.json()["detail"]["operations"] == [20]


@pytest.mark.parametrize(
    ("field", "value"),
    [("sequence", 10**12), ("min_wait_minutes", 10**12), ("setup_minutes", 10**12)],
)
def test_integers_beyond_any_real_routing_are_a_400_not_a_500(
    manager_client, plant, field: str, value: int
) -> None:
    MachineFactory(work_centre=WorkCentreFactory(plant=plant, code="MILL"), code="MIL-01")
    ItemFactory(plant=plant, code="SHAFT")
    payload = routing_payload("SHAFT", "MIL-01")
    step = payload["operations"][1]
    (step["machines"][0] if field == "setup_minutes" else step)[field] = value
    response = post(manager_client, "/api/v1/routings/", payload)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
