"""The tablet pages: identify, act, retries, rights and query counts."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from scheduling.models import OperationExecution, WipEvent
from tests.factories.floor import OPERATOR_PIN, Floor, build_floor, publish_plan
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def floor(plant) -> Floor:
    floor = build_floor(plant)
    publish_plan(floor, [floor.order, floor.new_order(), floor.new_order()])
    return floor


@pytest.fixture
def tablet(client, supervisor, floor):
    client.force_login(supervisor)
    return client


def machine_url(floor: Floor, name: str = "floor-machine", **kw) -> str:
    return reverse(f"scheduling:{name}", kwargs={"pk": floor.machines[0].pk, **kw})


def op_url(floor: Floor, action: str, step: int = 0) -> str:
    return machine_url(
        floor,
        "floor-operation",
        order_pk=floor.order.pk,
        operation_pk=floor.steps[step].pk,
        action=action,
    )


def identify(tablet, floor, pin=OPERATOR_PIN):
    return tablet.post(
        machine_url(floor, "floor-identify"), {"badge": floor.operator.badge, "pin": pin}, **HTMX
    )


def test_the_machine_page_lists_the_published_sequence(tablet, floor):
    page = tablet.get(machine_url(floor)).content.decode()
    refs = [o.external_ref for o in floor.order.__class__.objects.order_by("pk")]
    positions = [page.index(f"row-{ref}-10") for ref in refs]
    assert positions == sorted(positions)
    assert "Identify: badge + PIN" in page


def test_the_machine_page_costs_the_same_queries_for_3_or_13_orders(tablet, floor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    identify(tablet, floor)
    tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    with CaptureQueriesContext(connection) as few:
        tablet.get(machine_url(floor))
    publish_plan(floor, [floor.new_order() for _ in range(10)])
    with CaptureQueriesContext(connection) as many:
        tablet.get(machine_url(floor))
    assert len(few) == len(many) <= 18


def test_an_operator_identifies_with_badge_and_pin_and_a_wrong_pin_is_refused(tablet, floor):
    assert "Badge number or PIN is wrong" in identify(tablet, floor, pin="0000").content.decode()
    assert "Hello Ada Operator" in identify(tablet, floor).content.decode()
    assert "Ada Operator" in tablet.get(machine_url(floor)).content.decode()


def test_actions_need_an_identified_operator(tablet, floor):
    response = tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    assert "Identify with your badge" in response.content.decode()
    assert not WipEvent.objects.exists()


def test_start_and_complete_record_the_operator_and_the_user(tablet, floor, supervisor):
    identify(tablet, floor)
    tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    response = tablet.post(
        op_url(floor, "complete"),
        {"event_id": uuid.uuid4(), "version": 1, "good": "9", "scrap": "1"},
        **HTMX,
    )
    assert "Completed" in response.content.decode()
    execution = OperationExecution.objects.get()
    assert execution.status == "completed" and execution.good_quantity == 9
    assert {(e.operator_id, e.user_id) for e in WipEvent.objects.all()} == {
        (floor.operator.pk, supervisor.pk)
    }


def test_a_retried_post_with_the_same_event_id_counts_once(tablet, floor):
    identify(tablet, floor)
    tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    data = {"event_id": uuid.uuid4(), "version": 1, "good": "5", "scrap": "0"}
    tablet.post(op_url(floor, "complete"), data, **HTMX)
    again = tablet.post(op_url(floor, "complete"), data, **HTMX)
    assert "Completed" in again.content.decode()
    assert OperationExecution.objects.get().good_quantity == 5


def test_a_stale_version_shows_a_message_and_changes_nothing(tablet, floor):
    identify(tablet, floor)
    tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    response = tablet.post(
        op_url(floor, "complete"), {"event_id": uuid.uuid4(), "version": 0, "good": "5"}, **HTMX
    )
    assert "changed since you looked" in response.content.decode()
    assert OperationExecution.objects.get().status == "running"


def test_machine_down_and_up_from_the_tablet(tablet, floor):
    identify(tablet, floor)
    down = tablet.post(
        machine_url(floor, "floor-machine-event", action="down"),
        {
            "event_id": uuid.uuid4(),
            "version": "0",
            "reason": "breakdown",
            "expected_return_minutes": "90",
        },
        **HTMX,
    )
    assert "marked down" in down.content.decode()
    assert 'name="version" value="1"' in down.content.decode()
    up = tablet.post(
        machine_url(floor, "floor-machine-event", action="up"),
        {"event_id": uuid.uuid4(), "version": "1"},
        **HTMX,
    )
    assert "is up again" in up.content.decode()


def test_marking_a_machine_down_from_a_stale_page_shows_a_message_and_changes_nothing(
    tablet, floor
):
    identify(tablet, floor)
    url = machine_url(floor, "floor-machine-event", action="down")
    first = {"event_id": uuid.uuid4(), "version": "0", "reason": "breakdown"}
    tablet.post(url, first, **HTMX)
    tablet.post(
        machine_url(floor, "floor-machine-event", action="up"),
        {"event_id": uuid.uuid4(), "version": "1"},
        **HTMX,
    )
    stale = tablet.post(url, {**first, "event_id": uuid.uuid4()}, **HTMX)
    assert "changed since you looked" in stale.content.decode()
    floor.machines[0].refresh_from_db()
    assert floor.machines[0].status == "available"


def test_a_viewer_sees_the_list_but_cannot_act(client, viewer, floor):
    client.force_login(viewer)
    page = client.get(machine_url(floor)).content.decode()
    assert "Start" not in page
    with unchanged():
        response = client.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0})
    assert response.status_code == 403


def test_an_outsider_gets_not_found(outsider_client, floor):
    assert outsider_client.get(machine_url(floor)).status_code == 404
    with unchanged():
        response = outsider_client.post(
            op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}
        )
    assert response.status_code == 404


def test_the_floor_home_lists_machines_by_work_centre(tablet, floor, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = tablet.get(reverse("scheduling:floor")).content.decode()
    assert "MIL-01" in page and "MIL-02" in page


def test_an_operator_reports_a_count_while_the_step_runs(tablet, floor):
    identify(tablet, floor)
    tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    response = tablet.post(
        op_url(floor, "report"),
        {"event_id": uuid.uuid4(), "version": 1, "good": "4", "scrap": "0"},
        **HTMX,
    )
    page = response.content.decode()
    assert "Quantities reported for" in page and "so far good 4" in page
    execution = OperationExecution.objects.get()
    assert execution.status == "running" and execution.good_quantity == 4


def test_a_count_far_above_the_order_asks_for_a_confirmation_first(tablet, floor):
    identify(tablet, floor)
    tablet.post(op_url(floor, "start"), {"event_id": uuid.uuid4(), "version": 0}, **HTMX)
    data = {"event_id": str(uuid.uuid4()), "version": "1", "good": "100", "scrap": "0"}
    asked = tablet.post(op_url(floor, "complete"), data, **HTMX).content.decode()
    assert 'data-testid="confirm-quantity"' in asked and "an order of 10" in asked
    assert f'value="{data["event_id"]}"' in asked  # the same event, once confirmed
    assert OperationExecution.objects.get().status == "running"
    done = tablet.post(op_url(floor, "complete"), {**data, "confirm_over": "on"}, **HTMX)
    assert "Completed" in done.content.decode()
    assert OperationExecution.objects.get().good_quantity == 100


def test_a_locked_badge_is_told_so_on_the_tablet(tablet, floor, settings):
    settings.FLOOR_PIN_MAX_ATTEMPTS = 2
    identify(tablet, floor, pin="0000")
    identify(tablet, floor, pin="0000")
    assert "locked after too many wrong PINs" in identify(tablet, floor).content.decode()
