"""Master data by code within a plant: the ERP's upsert; calendars are read-only to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from plant.models import ApiAuditEntry, Item, Machine
from tests.factories.plant import PlantFactory, WorkCentreFactory
from tests.factories.tokens import bearer, issue_token
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


def test_put_by_code_creates_then_replaces_an_item_and_get_answers_304(erp_client, plant) -> None:
    url = f"/api/v1/items/by-code/GEAR-40/?plant={plant.code}"
    created = erp_client.put(url, {"name": "Gear 40", "kind": "made"}, "application/json")
    assert created.status_code == 201, created.content
    replaced = erp_client.put(url, {"name": "Gear 40 mm", "kind": "made"}, "application/json")
    assert replaced.status_code == 200 and replaced.json()["name"] == "Gear 40 mm"
    assert Item.objects.get(plant=plant, code="GEAR-40").name == "Gear 40 mm"
    etag = erp_client.get(url)["ETag"]
    assert erp_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert [e.action for e in ApiAuditEntry.objects.order_by("pk")] == ["create", "update"]


def test_a_machine_is_upserted_by_code_with_its_work_centre_by_code(erp_client, plant) -> None:
    WorkCentreFactory(plant=plant, code="CNC")
    url = f"/api/v1/machines/by-code/CNC-01/?plant={plant.code}"
    response = erp_client.put(url, {"name": "Lathe", "work_centre": "CNC"}, "application/json")
    assert response.status_code == 201, response.content
    assert Machine.objects.get(code="CNC-01").work_centre.code == "CNC"
    wrong = erp_client.put(url, {"name": "Lathe", "work_centre": "NOPE"}, "application/json")
    assert wrong.status_code == 400 and "work_centre" in wrong.json()["detail"]


def test_by_code_needs_one_of_the_callers_plants(erp_client, plant) -> None:
    assert erp_client.get("/api/v1/items/by-code/X/").status_code == 404
    assert erp_client.get("/api/v1/items/by-code/X/?plant=P1").status_code == 404
    other = PlantFactory(code="PX")
    body = {"name": "Gear", "kind": "made"}
    with unchanged():
        response = erp_client.put(
            f"/api/v1/items/by-code/X/?plant={other.code}", body, "application/json"
        )
    assert response.status_code == 404 and not Item.objects.filter(plant=other).exists()


def test_calendars_are_read_only_to_integration_users(erp_client, plant) -> None:
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    body = {
        "plant": plant.code,
        "kind": "holiday",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=1)).isoformat(),
    }
    with unchanged():
        refused = erp_client.post("/api/v1/calendar-exceptions/", body, "application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert erp_client.get("/api/v1/calendar-exceptions/").status_code == 200
    assert erp_client.get("/api/v1/shift-patterns/").status_code == 200


def test_a_read_only_token_cannot_upsert_by_code(plant) -> None:
    reader = Client(**bearer(issue_token(plant, scope="read", username="reader")))
    url = f"/api/v1/items/by-code/G/?plant={plant.code}"
    with unchanged():
        refused = reader.put(url, {"name": "G", "kind": "made"}, "application/json")
    assert refused.status_code == 403


def test_an_items_whole_bom_is_replaced_by_codes_and_audited(erp_client, plant) -> None:
    from tests.factories.plant import ItemFactory

    ItemFactory(plant=plant, code="BRK", kind="made")
    for code in ("FLAT", "BOLT", "NUT"):
        ItemFactory(plant=plant, code=code, kind="bought")
    url = f"/api/v1/items/by-code/BRK/bom/?plant={plant.code}"

    def put(lines):
        body = {"lines": [{"component": c, "quantity": q} for c, q in lines]}
        return erp_client.put(url, body, "application/json")

    assert put([("FLAT", "0.5"), ("BOLT", "4")]).status_code == 200
    response = put([("BOLT", "6"), ("NUT", "6")])
    assert [(r["component"], r["quantity"]) for r in response.json()] == [
        ("BOLT", "6.0000"),
        ("NUT", "6.0000"),
    ]
    assert erp_client.get(url).json() == response.json()
    last = ApiAuditEntry.objects.order_by("pk").last()
    assert last.object_ref == "BRK/bom" and last.changes == {
        "BOLT": ["4.0000", "6.0000"],
        "FLAT": ["0.5000", None],
        "NUT": [None, "6.0000"],
    }
    unknown = put([("NOPE", "1")])
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["message"]
    bought_item = erp_client.put(
        f"/api/v1/items/by-code/BOLT/bom/?plant={plant.code}",
        {"lines": [{"component": "BRK", "quantity": "1"}]},
        "application/json",
    )
    assert bought_item.status_code == 422 and "bought" in bought_item.json()["message"]


def test_every_master_data_read_by_id_sends_an_etag_that_answers_304(erp_client, plant) -> None:
    centre = WorkCentreFactory(plant=plant, code="MILL")
    url = f"/api/v1/work-centres/{centre.pk}/"
    etag = erp_client.get(url)["ETag"]
    assert erp_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    erp_client.patch(url, {"name": "Milling"}, "application/json")
    assert erp_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
