"""The shop-floor API: idempotent events, If-Match, error shape, plant scope, queries."""

from __future__ import annotations

import uuid

import pytest

from plant.models import Role
from scheduling.models import OperationExecution, WipEvent
from tests.factories.floor import Floor, build_floor, publish_plan
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/floor/operation-events/"


@pytest.fixture
def floor(plant) -> Floor:
    floor = build_floor(plant)
    publish_plan(floor)
    return floor


@pytest.fixture
def terminal(client, plant, floor):
    """An ERP-integration user: what a machine terminal or MES logs in as."""
    from tests.conftest import _member

    user = _member(plant, Role.ERP, "terminal")
    client.force_login(user)
    return client


def event(floor: Floor, action: str, **extra):
    return {
        "id": str(uuid.uuid4()),
        "plant": floor.plant.code,
        "order": floor.order.external_ref,
        "operation": floor.steps[0].sequence,
        "action": action,
        "machine": floor.machines[0].code,
        "operator": floor.operator.badge,
        **extra,
    }


def post(client, body, version="0"):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.post(EVENTS, body, content_type="application/json", **headers)


def test_a_start_answers_201_with_the_new_version_and_a_retry_200_with_the_same_body(
    terminal, floor
):
    body = event(floor, "start")
    first = post(terminal, body)
    assert first.status_code == 201, first.json()
    assert first["ETag"] == '"1"'
    assert first.json()["operation"]["status"] == "running"
    again = post(terminal, body)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert WipEvent.objects.count() == 1
    assert OperationExecution.objects.get().started_by == floor.operator


def test_a_missing_if_match_is_428_and_a_stale_one_is_412(terminal, floor):
    response = post(terminal, event(floor, "start"), version=None)
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    post(terminal, event(floor, "start"), version="0")
    stale = post(terminal, event(floor, "complete", good="5"), version="0")
    assert stale.status_code == 412
    assert set(stale.json()) == {"code", "message", "detail"}
    assert stale.json()["detail"]["version"] == 1
    assert post(terminal, event(floor, "complete", good="5"), version="1").status_code == 201


def test_completing_before_starting_is_409_with_a_clear_message(terminal, floor):
    response = post(terminal, event(floor, "complete", good="5"))
    assert response.status_code == 409
    assert "before it starts" in response.json()["message"]


def test_a_machine_goes_down_and_up_over_the_api(terminal, floor):
    body = {
        "id": str(uuid.uuid4()),
        "plant": floor.plant.code,
        "machine": floor.machines[0].code,
        "action": "down",
        "reason": "breakdown",
    }
    url = "/api/v1/floor/machine-events/"
    first = terminal.post(url, body, content_type="application/json", HTTP_IF_MATCH='"0"')
    assert first.status_code == 201
    assert first["ETag"] == '"1"' and first.json()["machine"]["version"] == 1
    again = terminal.post(url, body, content_type="application/json", HTTP_IF_MATCH='"0"')
    assert again.status_code == 200 and again.json()["replayed"]
    up = {**body, "id": str(uuid.uuid4()), "action": "up"}
    response = terminal.post(url, up, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.json()["machine"] == {"code": "MIL-01", "status": "available", "version": 2}


def test_marking_a_machine_down_or_up_needs_if_match_and_a_stale_one_is_412(terminal, floor):
    url = "/api/v1/floor/machine-events/"
    down = {
        "id": str(uuid.uuid4()),
        "plant": floor.plant.code,
        "machine": floor.machines[0].code,
        "action": "down",
        "reason": "breakdown",
    }
    missing = terminal.post(url, down, content_type="application/json")
    assert missing.status_code == 428
    assert terminal.post(url, down, content_type="application/json", HTTP_IF_MATCH='"0"')
    up = {**down, "id": str(uuid.uuid4()), "action": "up"}
    stale = terminal.post(url, up, content_type="application/json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412
    assert stale.json()["detail"] == {"version": 1, "status": "down"}
    floor.machines[0].refresh_from_db()
    assert floor.machines[0].status == "down"


def test_a_note_and_recorded_downtime_need_no_if_match(terminal, floor):
    url = "/api/v1/floor/machine-events/"
    note = {
        "id": str(uuid.uuid4()),
        "plant": floor.plant.code,
        "machine": floor.machines[0].code,
        "action": "note",
        "note": "Coolant topped up",
    }
    response = terminal.post(url, note, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["machine"]["version"] == 0


def test_the_list_gives_the_machines_version_for_if_match(terminal, floor):
    params = {"plant": "P1", "machine": "MIL-01"}
    assert terminal.get("/api/v1/floor/operations/", params).json()["machine"]["version"] == 0


def test_an_outsider_gets_404_for_another_plants_floor(outsider_client, floor):
    with unchanged():
        assert post(outsider_client, event(floor, "start")).status_code == 404
    listing = outsider_client.get(
        "/api/v1/floor/operations/", {"plant": floor.plant.code, "machine": "MIL-01"}
    )
    assert listing.status_code == 404
    assert not WipEvent.objects.exists()


def test_a_viewer_may_read_but_not_record(client, viewer, floor):
    client.force_login(viewer)
    listing = client.get("/api/v1/floor/operations/", {"plant": "P1", "machine": "MIL-01"})
    assert listing.status_code == 200
    with unchanged():
        assert post(client, event(floor, "start")).status_code == 403


def test_the_list_shows_state_and_version_in_a_fixed_number_of_queries(
    terminal, floor, django_assert_num_queries
):
    post(terminal, event(floor, "start"))
    params = {"plant": "P1", "machine": "MIL-01"}
    with django_assert_num_queries(10):
        data = terminal.get("/api/v1/floor/operations/", params).json()
    assert data["active"][0]["status"] == "running" and data["active"][0]["version"] == 1
    publish_plan(floor, [floor.new_order() for _ in range(5)])
    with django_assert_num_queries(10):
        terminal.get("/api/v1/floor/operations/", params)


def test_the_reason_catalogue_is_listed(terminal, floor):
    codes = [r["code"] for r in terminal.get("/api/v1/floor/downtime-reasons/").json()]
    assert {"breakdown", "no-material", "no-operator", "changeover-overrun", "quality-hold"} <= set(
        codes
    )


def test_the_schema_describes_the_floor_endpoints(terminal):
    schema = terminal.get("/api/schema/").content.decode()
    assert "/api/v1/floor/operation-events/" in schema and "If-Match" in schema


def test_an_event_costs_a_fixed_small_number_of_queries(terminal, floor, django_assert_num_queries):
    """The load target rests on this (docs/performance.md): session and user, the order with
    the right to record, the step; then BEGIN (a savepoint in a test), the machine's lock,
    the step's lock with its order (and, to start, the row created), the order, the step,
    the event, COMMIT. In production the session comes from Redis."""

    def body(action: str, **extra):
        data = event(floor, action, **extra)
        del data["operator"]  # a badge costs one query more
        return data

    with django_assert_num_queries(13):  # start: + the machine by code, + the step's new row
        assert post(terminal, body("start")).status_code == 201
    with django_assert_num_queries(10):  # not the last step: the order's quantity stays
        assert post(terminal, body("report", good="2"), version="1").status_code == 201
    with django_assert_num_queries(12):  # + the order, + its other steps done (2 steps here)
        assert post(terminal, body("complete", good="3"), version="2").status_code == 201


def test_a_report_over_the_api_counts_once_and_moves_the_version(terminal, floor):
    post(terminal, event(floor, "start"))
    body = event(floor, "report", good="4", scrap="1")
    first = post(terminal, body, version="1")
    assert first.status_code == 201 and first["ETag"] == '"2"'
    assert first.json()["operation"]["good_quantity"] == "4"
    assert post(terminal, body, version="1").status_code == 200
    assert OperationExecution.objects.get().good_quantity == 4


def test_a_completion_far_above_the_order_is_422_unless_confirmed(terminal, floor):
    post(terminal, event(floor, "start"))
    body = event(floor, "complete", good="500")
    refused = post(terminal, body, version="1")
    assert refused.status_code == 422
    assert refused.json()["code"] == "quantity_above_order"
    assert refused.json()["detail"]["order_quantity"] == "10"
    confirmed = post(terminal, {**body, "confirm_over_quantity": True}, version="1")
    assert confirmed.status_code == 201
    assert confirmed.json()["operation"]["good_quantity"] == "500"


def test_an_event_for_an_unknown_order_or_by_a_viewer_is_refused_without_recording(
    client, viewer, terminal, floor
):
    with unchanged():
        unknown = post(terminal, event(floor, "start", order="NOPE"))
        assert unknown.status_code == 404 and "NOPE" in unknown.json()["message"]
        client.force_login(viewer)
        assert post(client, event(floor, "start", order="NOPE")).status_code == 403
    assert not WipEvent.objects.exists()


def test_a_terminal_with_a_write_token_records_and_a_read_token_is_refused(plant, floor):
    from django.test import Client

    from tests.factories.tokens import bearer, issue_token

    reader = Client(**bearer(issue_token(plant, scope="read", username="mes-read")))
    with unchanged():
        refused = post(reader, event(floor, "start"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    listing = reader.get(
        f"/api/v1/floor/operations/?plant={plant.code}&machine={floor.machines[0].code}"
    )
    assert listing.status_code == 200
    assert not OperationExecution.objects.filter(status="running").exists()

    writer = Client(**bearer(issue_token(plant, scope="write", username="mes")))
    started = post(writer, event(floor, "start"))
    assert started.status_code == 201, started.json()
    assert WipEvent.objects.get(pk=started.json()["id"]).user.username == "mes"


def test_a_token_of_another_plant_finds_no_floor_of_this_one(floor):
    from django.test import Client

    from tests.factories.plant import PlantFactory
    from tests.factories.tokens import bearer, issue_token

    other = Client(**bearer(issue_token(PlantFactory(code="PX"), username="other")))
    machine = floor.machines[0].code
    listing = other.get(f"/api/v1/floor/operations/?plant={floor.plant.code}&machine={machine}")
    started = post(other, event(floor, "start"))
    down = other.post(
        "/api/v1/floor/machine-events/",
        {"id": str(uuid.uuid4()), "plant": floor.plant.code, "machine": machine, "action": "up"},
        content_type="application/json",
        HTTP_IF_MATCH='"0"',
    )
    assert [r.status_code for r in (listing, started, down)] == [404, 404, 404]
    assert all(r.json()["code"] == "not_found" for r in (listing, started, down))
