"""Production orders over the ERP API: upsert by external reference, bulk, filters, ETags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from plant.models import ApiAuditEntry, Item, PlantMembership
from scheduling.models import ProductionOrder
from tests.factories.plant import ItemFactory, PlantFactory
from tests.factories.scheduling import OrderFactory
from tests.factories.tokens import bearer, issue_token
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2030, 3, 4, 6, tzinfo=dt.UTC)


def body(item: str = "GEAR", **change):
    return {
        "item": item,
        "quantity": "25",
        "release_at": T0.isoformat(),
        "due_at": (T0 + dt.timedelta(days=5)).isoformat(),
        **change,
    }


@pytest.fixture
def gear(plant) -> Item:
    return ItemFactory(plant=plant, code="GEAR")


def put(client, ref: str, plant, data):
    return client.put(f"/api/v1/orders/{ref}/?plant={plant.code}", data, "application/json")


def test_put_creates_an_order_then_replaces_it_and_audits_both(erp_client, plant, gear) -> None:
    first = put(erp_client, "SO-1", plant, body())
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "open" and first.json()["scheduled_start"] is None
    second = put(erp_client, "SO-1", plant, body(quantity="30", priority=4, status="released"))
    assert second.status_code == 200
    order = ProductionOrder.objects.get(plant=plant, external_ref="SO-1")
    assert (order.quantity, order.priority, order.status) == (30, 4, "released")
    create, update = ApiAuditEntry.objects.order_by("pk")
    assert (create.action, create.object_ref, create.token.user.username) == (
        "create",
        "SO-1",
        "erp",
    )
    assert update.changes == {
        "priority": [2, 4],
        "quantity": ["25.000", "30.000"],
        "status": ["open", "released"],
    }


def test_a_reference_with_a_slash_is_one_order(erp_client, plant, gear) -> None:
    assert put(erp_client, "SO-2025/17", plant, body()).status_code == 201
    response = erp_client.get(f"/api/v1/orders/SO-2025/17/?plant={plant.code}")
    assert response.json()["external_ref"] == "SO-2025/17"


def test_put_names_the_field_that_is_wrong(erp_client, plant, gear) -> None:
    unknown = put(erp_client, "SO-1", plant, body(item="NOPE"))
    assert unknown.status_code == 400 and "item" in unknown.json()["detail"]
    late = put(erp_client, "SO-1", plant, body(due_at=T0.isoformat()))
    assert late.status_code == 422 and late.json()["detail"] == {"due_at": ["Before release."]}
    bad_ref = put(erp_client, "has space", plant, body())
    assert bad_ref.status_code == 422 and "external_ref" in bad_ref.json()["detail"]
    assert not ProductionOrder.objects.exists()


def test_a_cancelled_order_can_no_longer_be_replaced(erp_client, plant, gear) -> None:
    OrderFactory(plant=plant, item=gear, external_ref="SO-9", status="cancelled")
    response = put(erp_client, "SO-9", plant, body())
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"


def test_a_read_only_token_cannot_put_and_an_outsider_token_sees_no_plant(plant, gear) -> None:
    reader = Client(**bearer(issue_token(plant, scope="read", username="reader")))
    outsider = Client(**bearer(issue_token(PlantFactory(code="PX"), username="other")))
    with unchanged():
        assert put(reader, "SO-1", plant, body()).status_code == 403
        assert put(outsider, "SO-1", plant, body()).status_code == 404
    OrderFactory(plant=plant, item=gear, external_ref="SO-2")
    assert outsider.get(f"/api/v1/orders/SO-2/?plant={plant.code}").status_code == 404
    assert outsider.get("/api/v1/orders/").json()["results"] == []


def test_a_read_sends_a_weak_etag_and_answers_304_until_the_order_changes(
    erp_client, plant, gear
) -> None:
    put(erp_client, "SO-1", plant, body())
    url = f"/api/v1/orders/SO-1/?plant={plant.code}"
    etag = erp_client.get(url)["ETag"]
    assert etag.startswith('W/"')
    assert erp_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    put(erp_client, "SO-1", plant, body(quantity="26"))
    changed = erp_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_list_filters_orders_and_pages_by_cursor(erp_client, plant, gear) -> None:
    other = ItemFactory(plant=plant, code="SHAFT")
    for n in range(5):
        OrderFactory(
            plant=plant,
            item=gear if n % 2 else other,
            external_ref=f"SO-{n}",
            release_at=T0,
            due_at=T0 + dt.timedelta(days=n + 1),
            status="released" if n == 4 else "open",
        )
    refs = lambda **q: [  # noqa: E731
        r["external_ref"] for r in erp_client.get("/api/v1/orders/", q).json()["results"]
    ]
    assert refs() == ["SO-0", "SO-1", "SO-2", "SO-3", "SO-4"]
    assert refs(item="GEAR") == ["SO-1", "SO-3"]
    assert refs(status="released") == ["SO-4"]
    assert refs(
        due_after=(T0 + dt.timedelta(days=2)).isoformat(),
        due_before=(T0 + dt.timedelta(days=4)).isoformat(),
    ) == ["SO-1", "SO-2"]
    assert refs(ordering="-due_at")[:2] == ["SO-4", "SO-3"]
    ProductionOrder.objects.filter(external_ref="SO-2").update(
        updated_at=T0 + dt.timedelta(days=99)
    )
    assert refs(updated_since=(T0 + dt.timedelta(days=98)).isoformat()) == ["SO-2"]
    page = erp_client.get("/api/v1/orders/", {"page_size": 2}).json()
    rest = erp_client.get(page["next"]).json()
    assert [r["external_ref"] for r in page["results"] + rest["results"]] == [
        "SO-0",
        "SO-1",
        "SO-2",
        "SO-3",
    ]
    bad = erp_client.get("/api/v1/orders/", {"due_after": "soon"})
    assert bad.status_code == 400 and "due_after" in bad.json()["detail"]


def test_the_order_list_costs_the_same_queries_for_few_or_many_orders(
    erp_client, django_assert_num_queries, plant, gear
) -> None:
    OrderFactory(plant=plant, item=gear)
    # token + its plants + last-used touch are per request; then the page.
    with django_assert_num_queries(4):
        assert len(erp_client.get("/api/v1/orders/").json()["results"]) == 1
    for _ in range(20):
        OrderFactory(plant=plant, item=gear)
    with django_assert_num_queries(3):  # last_used_at was written a moment ago
        assert len(erp_client.get("/api/v1/orders/").json()["results"]) == 21


def bulk(client, plant, rows):
    return client.post(
        f"/api/v1/orders/bulk/?plant={plant.code}", {"orders": rows}, "application/json"
    )


def test_bulk_upserts_many_orders_in_one_request(erp_client, plant, gear) -> None:
    OrderFactory(plant=plant, item=gear, external_ref="SO-0", quantity=1)
    rows = [body(external_ref=f"SO-{n}") for n in range(300)]
    response = bulk(erp_client, plant, rows)
    assert response.status_code == 200, response.content
    result = response.json()
    assert (len(result["created"]), result["updated"], result["unchanged"]) == (299, ["SO-0"], [])
    assert ProductionOrder.objects.filter(plant=plant, quantity=25).count() == 300
    assert ApiAuditEntry.objects.filter(model="scheduling.productionorder").count() == 300
    again = bulk(erp_client, plant, rows).json()
    assert (again["created"], again["updated"], len(again["unchanged"])) == ([], [], 300)


def test_bulk_is_all_or_nothing_and_names_each_bad_row_and_field(erp_client, plant, gear) -> None:
    ItemFactory(plant=plant, code="STEEL", kind="bought")
    OrderFactory(plant=plant, item=gear, external_ref="SO-DONE", status="done")
    rows = [
        body(external_ref="SO-1"),
        body(external_ref="SO-2", item="NOPE"),
        body(external_ref="SO-3", item="STEEL"),
        body(external_ref="SO-DONE"),
        body(external_ref="SO-1"),
    ]
    response = bulk(erp_client, plant, rows)
    assert response.status_code == 422
    assert [(e["row"], e["field"]) for e in response.json()["detail"]["rows"]] == [
        (1, "item"),
        (2, "item"),
        (3, "status"),
        (4, "external_ref"),
    ]
    assert "nothing was saved" in response.json()["message"]
    assert not ProductionOrder.objects.filter(external_ref="SO-1").exists()


def test_bulk_reports_malformed_fields_by_row_with_400(erp_client, plant, gear) -> None:
    rows = [body(external_ref="SO-1"), body(external_ref="SO-2", quantity="-1", priority=9)]
    response = bulk(erp_client, plant, rows)
    assert response.status_code == 400
    assert {(e["row"], e["field"]) for e in response.json()["detail"]["rows"]} == {
        (1, "quantity"),
        (1, "priority"),
    }
    assert response.json()["message"].startswith("Row 1, ")
    assert bulk(erp_client, plant, []).status_code == 400
    assert not ProductionOrder.objects.exists()


def test_a_manager_session_may_upsert_but_a_supervisor_may_not(
    client, plant, gear, manager, supervisor
) -> None:
    client.force_login(supervisor)
    with unchanged():
        assert put(client, "SO-1", plant, body()).status_code == 403
    client.force_login(manager)
    assert put(client, "SO-1", plant, body()).status_code == 201
    assert PlantMembership.objects.filter(user=manager).count() == 1


def test_odd_but_valid_inputs_are_answered_not_crashed_on(erp_client, plant, gear) -> None:
    # PostgreSQL refuses NUL characters and offsets past ±15:59; both were 500s once.
    nul = erp_client.get("/api/v1/orders/", {"item": "GE\x00AR"})
    assert nul.status_code == 400 and nul.json()["code"] == "invalid"
    assert erp_client.get(f"/api/v1/orders/SO%00/?plant={plant.code}").status_code == 400
    far = erp_client.get("/api/v1/orders/", {"updated_since": "2030-06-03T15:44:35+23:10"})
    assert far.status_code == 200
    huge = erp_client.get("/api/v1/orders/", {"due_after": "9999-12-31T23:59:59-23:00"})
    assert huge.status_code == 400 and "due_after" in huge.json()["detail"]
