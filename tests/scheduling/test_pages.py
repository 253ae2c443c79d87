"""Planning pages as a manager, a viewer and an outsider use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plant.models import PlantMembership
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run
from scheduling.planning.worker import execute_run
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def nw1_manager(demo_plant, manager):
    PlantMembership.objects.filter(user=manager).delete()
    PlantMembership.objects.create(user=manager, plant=demo_plant)
    return manager


@pytest.fixture
def nw1_viewer(demo_plant, viewer):
    PlantMembership.objects.filter(user=viewer).delete()
    PlantMembership.objects.create(user=viewer, plant=demo_plant)
    return viewer


def solved(plant, horizon, name: str) -> ScheduleRun:
    """A run of every open order, solved in-process for one second."""
    run = create_run(
        plant=plant,
        name=name,
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=RunSettings(time_limit_s=1, workers=1),
    )
    execute_run(run_id=run.pk, attempt=1, worker="t")
    run.refresh_from_db()
    return run


@pytest.fixture
def solved_run(demo_plant, horizon, no_enqueue) -> ScheduleRun:
    return solved(demo_plant, horizon, "Baseline")


def test_the_order_list_shows_open_orders_in_a_fixed_number_of_queries(
    client, nw1_manager, django_assert_num_queries
) -> None:
    client.force_login(nw1_manager)
    with django_assert_num_queries(5):  # session, user, plants, roles, orders with items
        response = client.get(reverse("scheduling:order-list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == ProductionOrder.objects.open().count() + 1


def test_a_manager_creates_an_order_and_a_bad_due_date_is_refused(
    client, nw1_manager, demo_plant
) -> None:
    client.force_login(nw1_manager)
    item = demo_plant.items.get(code="SH-100")
    form = {
        "external_ref": "SO-NEW-1",
        "item": item.pk,
        "quantity": "25",
        "priority": 2,
        "release_at": "2026-12-01T06:00",
        "due_at": "2026-11-30T06:00",
    }
    response = client.post(reverse("scheduling:order-create"), form)
    assert "The due date must be after the release." in response.content.decode()
    assert not ProductionOrder.objects.filter(external_ref="SO-NEW-1").exists()
    form["due_at"] = "2026-12-04T14:00"
    assert client.post(reverse("scheduling:order-create"), form).status_code == 302
    order = ProductionOrder.objects.get(external_ref="SO-NEW-1")
    assert order.due_at == dt.datetime(2026, 12, 4, 13, 0, tzinfo=dt.UTC)  # entered in Berlin time


def test_a_viewer_cannot_plan_or_publish(client, nw1_viewer, solved_run) -> None:
    client.force_login(nw1_viewer)
    assert client.get(reverse("scheduling:run-create")).status_code == 403
    with unchanged():
        publish = client.post(reverse("scheduling:run-publish", args=[solved_run.pk]))
        plan = client.post(reverse("scheduling:run-create"), {"name": "Sneaky", "horizon_days": 7})
    assert (publish.status_code, plan.status_code) == (403, 403)
    assert client.get(reverse("scheduling:run-detail", args=[solved_run.pk])).status_code == 200


def test_a_manager_starts_a_run_from_the_page_and_it_is_queued(
    client, nw1_manager, no_enqueue
) -> None:
    client.force_login(nw1_manager)
    start = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("scheduling:run-create"),
        {
            "name": "Saturday shift?",
            "horizon_start": start,
            "horizon_days": 28,
            "mode": "weighted",
            "w_tardiness": 10,
            "w_overtime": 1,
            "w_setup": 1,
            "w_makespan": 0,
            "order": "tardiness-makespan",
            "time_limit_s": 5,
            "overtime_allowed": "on",
        },
    )
    run = ScheduleRun.objects.get(name="Saturday shift?")
    assert response.status_code == 302 and response["Location"] == reverse(
        "scheduling:run-detail", args=[run.pk]
    )
    assert run.status == ScheduleRun.Status.QUEUED and run.settings["time_limit_s"] == 5


def test_a_finished_run_shows_kpis_late_orders_and_serves_its_gantt(
    client, nw1_manager, solved_run, django_assert_max_num_queries
) -> None:
    client.force_login(nw1_manager)
    page = client.get(reverse("scheduling:run-detail", args=[solved_run.pk])).content.decode()
    assert "orders on time" in page and "Gantt chart" in page
    with django_assert_max_num_queries(8):
        data = client.get(reverse("scheduling:run-gantt", args=[solved_run.pk])).json()
    assert len(data["ops"]) == ScheduledOperation.objects.filter(run=solved_run).count()
    assert {m["code"] for m in data["machines"]} >= {"SAW-01", "FUR-01"} and data["off_shift"]


def test_polling_a_finished_run_tells_the_page_to_reload(client, nw1_manager, solved_run) -> None:
    client.force_login(nw1_manager)
    response = client.get(
        reverse("scheduling:run-detail", args=[solved_run.pk]) + "?part=progress",
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Refresh"] == "true"


def test_two_runs_compare_side_by_side_and_one_is_published(
    client, nw1_manager, solved_run, demo_plant, horizon, no_enqueue
) -> None:
    other = create_run(
        plant=demo_plant,
        name="No overtime",
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=RunSettings(time_limit_s=1, workers=1),
        scenario={"overtime_allowed": False},
    )
    execute_run(run_id=other.pk, attempt=1, worker="t")
    client.force_login(nw1_manager)
    page = client.get(
        reverse("scheduling:run-compare") + f"?runs={solved_run.pk}&runs={other.pk}"
    ).content.decode()
    assert "On-time orders (%)" in page and "No overtime" in page
    assert client.post(reverse("scheduling:run-publish", args=[other.pk])).status_code == 302
    dispatch = client.get(reverse("scheduling:dispatch") + "?machine=MIL-01").content.decode()
    assert "No overtime" in dispatch and "SO-" in dispatch


def test_pinning_an_operation_starts_a_new_run_that_keeps_the_pin(
    client, nw1_manager, solved_run, no_enqueue
) -> None:
    """The first cut of the plan moves to the other saw at the same time: a first step, so no
    earlier step of its order has to make room for the pin."""
    client.force_login(nw1_manager)
    op = (
        ScheduledOperation.objects.filter(run=solved_run, machine_label="SAW-01")
        .filter(operation__sequence=10, operation__name="Saw to length")  # not a laser cut
        .select_related("order", "operation")
        .order_by("start")
        .first()
    )
    start = timezone.localtime(op.start, solved_run.plant.tz).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("scheduling:run-pin", args=[solved_run.pk]),
        {"operation": op.pk, "machine": "SAW-02", "start": start},
    )
    new = ScheduleRun.objects.exclude(pk=solved_run.pk).get()
    assert response.status_code == 302 and new.base_run == solved_run
    assert new.scenario["pins"] == [
        {
            "order_ref": op.order.external_ref,
            "sequence": op.operation.sequence,
            "machine": "SAW-02",
            "start": new.scenario["pins"][0]["start"],
        }
    ]
    execute_run(run_id=new.pk, attempt=1, worker="t")
    pinned = ScheduledOperation.objects.get(run=new, pinned=True)
    assert pinned.machine_label == "SAW-02" and pinned.start == op.start.replace(second=0)


def test_an_outsider_gets_404_on_every_run_and_order_url(client, outsider, solved_run) -> None:
    client.force_login(outsider)
    order = solved_run.orders.first()
    for name in ("run-detail", "run-gantt"):
        assert client.get(reverse(f"scheduling:{name}", args=[solved_run.pk])).status_code == 404, (
            name
        )
    pin = {"operation": solved_run.operations.first().pk, "machine": "SAW-02", "start": ""}
    with unchanged():
        for name in ("run-cancel", "run-publish", "run-pin"):
            response = client.post(reverse(f"scheduling:{name}", args=[solved_run.pk]), pin)
            assert response.status_code == 404, name
        assert client.get(reverse("scheduling:order-edit", args=[order.pk])).status_code == 404
        assert client.post(reverse("scheduling:order-cancel", args=[order.pk])).status_code == 404
    assert (
        client.get(
            reverse("scheduling:run-compare") + f"?runs={solved_run.pk}&runs={solved_run.pk}"
        ).status_code
        == 404
    )
    assert (
        solved_run.plant.code not in client.get(reverse("scheduling:order-list")).content.decode()
    )


def test_the_schedule_list_costs_the_same_queries_for_one_run_or_many(
    client, nw1_manager, solved_run, demo_plant, horizon, no_enqueue, django_assert_num_queries
) -> None:
    client.force_login(nw1_manager)
    with django_assert_num_queries(5):
        client.get(reverse("scheduling:run-list"))
    for n in range(3):
        create_run(
            plant=demo_plant, name=f"More {n}", horizon_start=horizon[0], horizon_end=horizon[1]
        )
    with django_assert_num_queries(5):
        assert client.get(reverse("scheduling:run-list")).content.decode().count("pill-run-") == 4


def test_the_dispatch_api_lists_a_machines_published_sequence_and_hides_other_plants(
    client, nw1_manager, outsider, solved_run
) -> None:
    client.force_login(nw1_manager)
    url = reverse("api-dispatch") + "?plant=NW1&machine=MIL-02"
    assert client.get(url).json()["operations"] == []
    from scheduling.planning.runs import publish_run

    publish_run(run=solved_run)
    body = client.get(url).json()
    assert body["run"] == solved_run.pk and body["operations"][0]["sequence"] == 1
    starts = [op["start"] for op in body["operations"]]
    assert (
        starts == sorted(starts)
        and len(starts)
        == ScheduledOperation.objects.filter(run=solved_run, machine_label="MIL-02").count()
    )
    assert (
        client.get(reverse("api-dispatch") + "?plant=NW1&machine=NOPE").json()["code"]
        == "not_found"
    )
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 404 and set(response.json()) == {"code", "message", "detail"}


def test_the_gantt_says_on_which_machine_rows_each_operation_may_be_pinned(
    client, nw1_manager, solved_run, django_assert_num_queries
) -> None:
    client.force_login(nw1_manager)
    # session, user, plants, run, operations, machines, eligible machines
    with django_assert_num_queries(7):
        data = client.get(reverse("scheduling:run-gantt", args=[solved_run.pk])).json()
    codes = [m["code"] for m in data["machines"]]
    ops = {
        op.pk: op
        for op in ScheduledOperation.objects.filter(run=solved_run).select_related("operation")
    }
    assert len(data["op_eligible"]) == len(data["ops"])
    for row, set_index in zip(data["ops"], data["op_eligible"], strict=True):
        operation = ops[row[7]].operation
        expected = set(operation.eligible_machines.values_list("machine__code", flat=True))
        assert {codes[i] for i in data["eligible"][set_index]} == expected
        assert row[0] in data["eligible"][set_index]  # where it is scheduled is eligible


def test_a_pin_on_a_machine_that_cannot_run_the_operation_is_refused_before_any_run(
    client, nw1_manager, solved_run, no_enqueue
) -> None:
    client.force_login(nw1_manager)
    op = ScheduledOperation.objects.filter(run=solved_run, machine_label="MIL-02").first()
    start = timezone.localtime(op.start).strftime("%Y-%m-%dT%H:%M")
    url = reverse("scheduling:run-pin", args=[solved_run.pk])
    response = client.post(url, {"operation": op.pk, "machine": "SAW-01", "start": start})
    assert response.status_code == 302 and response["Location"] == reverse(
        "scheduling:run-detail", args=[solved_run.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert f"Machine SAW-01 cannot run {op.order.external_ref} operation" in page
    response = client.post(url, {"operation": op.pk, "machine": "NOPE-1", "start": start})
    assert (
        "Machine NOPE-1 is not part of this run"
        in client.get(response["Location"]).content.decode()
    )
    assert ScheduleRun.objects.count() == 1


def test_filtering_the_order_list_costs_the_same_queries(
    client, nw1_manager, django_assert_num_queries
) -> None:
    client.force_login(nw1_manager)
    url = reverse("scheduling:order-list")
    for query in ("?status=all", "?status=open&late=1", "?q=SO-241", "?status=cancelled"):
        with django_assert_num_queries(5):  # session, user, plants, roles, orders with items
            assert client.get(url + query, HTTP_HX_REQUEST="true").status_code == 200


@pytest.fixture
def run_with_a_late_order(demo_plant, horizon, no_enqueue) -> ScheduleRun:
    """The demo plant plus an order due an hour after its release, five steps with hardening: it
    is late whatever the solver does, so the page always has a late order to explain."""
    ProductionOrder.objects.create(
        plant=demo_plant,
        external_ref="SO-RUSH-1",
        item=demo_plant.items.get(code="SH-100"),
        quantity=40,
        release_at=horizon[0],
        due_at=horizon[0] + dt.timedelta(hours=1),
    )
    return solved(demo_plant, horizon, "With a rush order")


def test_a_finished_runs_page_and_its_progress_poll_cost_a_fixed_number_of_queries(
    client, nw1_manager, run_with_a_late_order, django_assert_num_queries
) -> None:
    client.force_login(nw1_manager)
    url = reverse("scheduling:run-detail", args=[run_with_a_late_order.pk])
    # session, user, plants, run, roles, late orders: orders, operations, eligible machines,
    # machines of the pin form
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "SO-RUSH-1" in page and "Cannot be on time" in page
    with django_assert_num_queries(5):  # session, user, plants, run, roles
        client.get(url + "?part=progress", HTTP_HX_REQUEST="true")


def test_comparing_runs_costs_one_query_per_compared_run(
    client, nw1_manager, solved_run, demo_plant, horizon, no_enqueue, django_assert_num_queries
) -> None:
    others = [
        create_run(
            plant=demo_plant, name=f"Other {n}", horizon_start=horizon[0], horizon_end=horizon[1]
        )
        for n in range(3)
    ]
    client.force_login(nw1_manager)
    url = reverse("scheduling:run-compare") + f"?runs={solved_run.pk}"
    with django_assert_num_queries(6):  # session, user, plants, the two runs, roles
        client.get(url + f"&runs={others[0].pk}")
    with django_assert_num_queries(8):  # at most four runs are compared
        client.get(url + "".join(f"&runs={o.pk}" for o in others) + f"&runs={solved_run.pk}")


def test_the_dispatch_page_and_api_cost_a_fixed_number_of_queries(
    client, nw1_manager, solved_run, django_assert_num_queries
) -> None:
    from scheduling.planning.runs import publish_run

    publish_run(run=solved_run)
    client.force_login(nw1_manager)
    busiest = (
        ScheduledOperation.objects.filter(run=solved_run)
        .values_list("machine_label", flat=True)
        .order_by("machine_label")
    )
    counts = {code: list(busiest).count(code) for code in set(busiest)}
    many, few = max(counts, key=counts.get), min(counts, key=counts.get)
    assert counts[many] > counts[few]
    for code in (many, few):
        # session, user, plants, published run, machines, operations with orders, roles
        with django_assert_num_queries(7):
            page = client.get(reverse("scheduling:dispatch") + f"?machine={code}")
        assert page.content.decode().count("<tr><td>") == counts[code]
        # session, user, plant by code, machine, published run, operations
        with django_assert_num_queries(6):
            body = client.get(reverse("api-dispatch") + f"?plant=NW1&machine={code}").json()
        assert len(body["operations"]) == counts[code]


def test_a_finished_run_says_in_words_what_its_gap_means(client, nw1_manager, solved_run) -> None:
    client.force_login(nw1_manager)
    url = reverse("scheduling:run-detail", args=[solved_run.pk])
    for gap, bound, says in [
        (0.0, 9312, "This schedule is optimal for the chosen objective."),
        (0.92, 740, "At most 92 % of this objective could still be saved"),
        (0.004, 9275, "At most 1 % of this objective could still be saved"),
        (1.0, 0, "how far this is from the best possible is unknown"),
    ]:
        ScheduleRun.objects.filter(pk=solved_run.pk).update(
            gap=gap, bound=bound, best_objective=9312
        )
        page = client.get(url).content.decode()
        assert says in page
        assert (f"proven bound, {bound}." in page) == (0 < gap < 0.99)


def test_the_plan_form_offers_no_longer_a_solve_than_the_workers_allow(
    client, nw1_manager, settings
) -> None:
    settings.SOLVER_MAX_TIME_LIMIT_S = 120
    client.force_login(nw1_manager)
    page = client.get(reverse("scheduling:run-create")).content.decode()
    assert 'name="time_limit_s"' in page and 'max="120"' in page
    response = client.post(reverse("scheduling:run-create"), {"time_limit_s": 600})
    assert "less than or equal to 120" in response.content.decode()
    assert not ScheduleRun.objects.exists()
