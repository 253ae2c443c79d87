"""Runs, publishing and the published schedule over the ERP API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from plant.models import ApiAuditEntry
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run, publish_run
from scheduling.planning.worker import execute_run
from tests.factories.plant import PlantFactory
from tests.factories.tokens import bearer, issue_token
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(demo_plant) -> Client:
    return Client(**bearer(issue_token(demo_plant)))


def solve(plant, horizon, name: str = "Baseline") -> ScheduleRun:
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


def test_starting_a_run_queues_it_once_even_when_the_request_is_retried(
    api, demo_plant, horizon, no_enqueue, django_capture_on_commit_callbacks
) -> None:
    body = {
        "plant": "NW1",
        "horizon_start": horizon[0].isoformat(),
        "horizon_end": horizon[1].isoformat(),
        "settings": {"time_limit_s": 5},
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/runs/", body, "application/json", HTTP_IDEMPOTENCY_KEY="nightly")
        again = api.post("/api/v1/runs/", body, "application/json", HTTP_IDEMPOTENCY_KEY="nightly")
    assert first.status_code == again.status_code == 202, first.content
    assert first.json()["id"] == again.json()["id"] and first.json()["status"] == "queued"
    assert first.json()["orders"] == ProductionOrder.objects.open().count()
    assert len(no_enqueue) == 1 and ScheduleRun.objects.count() == 1
    assert ApiAuditEntry.objects.get().model == "scheduling.schedulerun"


def test_a_run_started_while_the_broker_refuses_is_committed_answered_and_sent_later(
    api, demo_plant, horizon, monkeypatch, django_capture_on_commit_callbacks, caplog
) -> None:
    from plant import queue
    from scheduling.hooks import announce, register

    def refuse(task, args, countdown=None) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(queue, "send", refuse)
    heard: list[str] = []
    register("test.after", lambda subject: heard.append(subject))
    body = {
        "plant": "NW1",
        "horizon_start": horizon[0].isoformat(),
        "horizon_end": horizon[1].isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/runs/", body, "application/json")
        announce("test.after", "the next callback ran")
    assert response.status_code == 202, response.content
    assert ScheduleRun.objects.get().status == "queued" and heard == ["the next callback ran"]
    assert "not sent now" in caplog.text


def test_a_run_of_named_orders_refuses_unknown_references(
    api, demo_plant, horizon, no_enqueue
) -> None:
    refs = list(ProductionOrder.objects.values_list("external_ref", flat=True)[:2])
    body = {
        "plant": "NW1",
        "horizon_start": horizon[0].isoformat(),
        "horizon_end": horizon[1].isoformat(),
        "orders": [*refs, "SO-NOPE"],
    }
    response = api.post("/api/v1/runs/", body, "application/json")
    assert response.status_code == 400 and "SO-NOPE" in response.json()["message"]
    body["orders"] = refs
    assert api.post("/api/v1/runs/", body, "application/json").json()["orders"] == 2
    late = {**body, "horizon_end": horizon[0].isoformat()}
    response = api.post("/api/v1/runs/", late, "application/json")
    assert response.status_code == 422 and "horizon_end" in response.json()["detail"]


def test_a_read_only_token_reads_runs_but_cannot_start_or_publish_one(
    demo_plant, horizon, no_enqueue
) -> None:
    run = solve(demo_plant, horizon)
    reader = Client(**bearer(issue_token(demo_plant, scope="read", username="reader")))
    assert reader.get(f"/api/v1/runs/{run.pk}/").status_code == 200
    with unchanged():
        assert reader.post("/api/v1/runs/", {}, "application/json").status_code == 403
        assert reader.post(f"/api/v1/runs/{run.pk}/publish/").status_code == 403


def test_a_finished_run_shows_its_kpis_and_gap_with_an_etag(
    api, demo_plant, horizon, no_enqueue
) -> None:
    run = solve(demo_plant, horizon)
    response = api.get(f"/api/v1/runs/{run.pk}/")
    data = response.json()
    assert data["status"] == "succeeded" and data["gap"] is not None
    assert data["kpis"]["operations"] == ScheduledOperation.objects.filter(run=run).count()
    assert (
        api.get(f"/api/v1/runs/{run.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )


def test_the_run_list_costs_the_same_queries_for_one_run_or_three(
    api, demo_plant, horizon, no_enqueue, django_assert_num_queries
) -> None:
    make = lambda: create_run(  # noqa: E731
        plant=demo_plant, name="r", horizon_start=horizon[0], horizon_end=horizon[1]
    )
    make()
    api.get("/api/v1/plants/")  # token last-used is recorded once a minute
    with django_assert_num_queries(3):  # token, its plants, the page
        assert len(api.get("/api/v1/runs/").json()["results"]) == 1
    make(), make()
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/runs/").json()["results"]) == 3


def test_publishing_makes_the_schedule_readable_by_machine_and_by_order(
    api, demo_plant, horizon, no_enqueue
) -> None:
    run = solve(demo_plant, horizon)
    assert api.get("/api/v1/schedule/?plant=NW1").json()["results"] == []
    published = api.post(f"/api/v1/runs/{run.pk}/publish/", HTTP_IDEMPOTENCY_KEY="p1")
    assert published.status_code == 200 and published.json()["is_published"] is True
    again = api.post(f"/api/v1/runs/{run.pk}/publish/", HTTP_IDEMPOTENCY_KEY="p2")
    assert again.status_code == 409
    op = ScheduledOperation.objects.filter(run=run).select_related("order").first()
    by_machine = api.get(f"/api/v1/schedule/?plant=NW1&machine={op.machine_label}&page_size=1000")
    starts = [r["start"] for r in by_machine.json()["results"]]
    assert (
        starts == sorted(starts)
        and len(starts)
        == ScheduledOperation.objects.filter(run=run, machine_label=op.machine_label).count()
    )
    by_order = api.get(f"/api/v1/schedule/?plant=NW1&order={op.order.external_ref}").json()
    assert {r["order"] for r in by_order["results"]} == {op.order.external_ref}
    order = api.get(f"/api/v1/orders/{op.order.external_ref}/?plant=NW1").json()
    assert order["scheduled_start"] is not None and order["scheduled_end"] is not None


def test_changed_since_returns_only_operations_moved_since_that_publication(
    api, demo_plant, horizon, no_enqueue
) -> None:
    first = publish_run(run=solve(demo_plant, horizon))
    between = timezone.now()
    since = {"plant": "NW1", "changed_since": between.isoformat()}
    assert api.get("/api/v1/schedule/", since).json()["results"] == []
    second = solve(demo_plant, horizon, name="Second")
    moved = ScheduledOperation.objects.filter(run=second).order_by("start").last()
    ScheduledOperation.objects.filter(pk=moved.pk).update(
        start=moved.start + dt.timedelta(minutes=5), end=moved.end + dt.timedelta(minutes=5)
    )
    publish_run(run=second)
    changed = api.get("/api/v1/schedule/", {**since, "page_size": 1000}).json()["results"]
    keys = {(r["order"], r["operation"]) for r in changed}
    assert (moved.order.external_ref, moved.operation.sequence) in keys
    before = {
        (o.order.external_ref, o.operation.sequence): (o.machine_label, o.start.isoformat())
        for o in ScheduledOperation.objects.filter(run=first).select_related("order", "operation")
    }
    for row in changed:  # nothing returned sits where it sat before
        placed = (row["machine"], dt.datetime.fromisoformat(row["start"]).isoformat())
        assert before.get((row["order"], row["operation"])) != placed
    assert all(r["run"] == second.pk for r in changed)
    everything = api.get(
        "/api/v1/schedule/",
        {"plant": "NW1", "changed_since": "2000-01-01T00:00:00Z", "page_size": 1000},
    ).json()["results"]
    assert len(everything) == ScheduledOperation.objects.filter(run=second).count()


def test_cancelling_an_order_is_a_command_with_a_conflict_once_cancelled(api, demo_plant) -> None:
    ref = ProductionOrder.objects.open().first().external_ref
    url = f"/api/v1/orders/{ref}/cancel/?plant=NW1"
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="c1")
    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    assert api.post(url, HTTP_IDEMPOTENCY_KEY="c1").json() == first.json()
    assert api.post(url, HTTP_IDEMPOTENCY_KEY="c2").status_code == 409
    entry = ApiAuditEntry.objects.get()
    assert (
        entry.changes == {"status": ["open", "cancelled"]}
        or entry.changes["status"][1] == "cancelled"
    )


def test_a_token_of_another_plant_sees_no_run_and_no_schedule(
    demo_plant, horizon, no_enqueue
) -> None:
    run = solve(demo_plant, horizon)
    outsider = Client(**bearer(issue_token(PlantFactory(code="PX"), username="other")))
    ref = ProductionOrder.objects.open().first().external_ref
    with unchanged():
        assert outsider.get(f"/api/v1/runs/{run.pk}/").status_code == 404
        assert outsider.post(f"/api/v1/runs/{run.pk}/publish/").status_code == 404
        assert outsider.get("/api/v1/schedule/?plant=NW1").status_code == 404
        assert outsider.get("/api/v1/runs/").json()["results"] == []
        assert outsider.post(f"/api/v1/orders/{ref}/cancel/?plant=NW1").status_code == 404


def test_the_schedule_costs_the_same_queries_for_a_page_of_one_or_many_operations(
    api, demo_plant, horizon, no_enqueue, django_assert_num_queries
) -> None:
    publish_run(run=solve(demo_plant, horizon))
    api.get("/api/v1/plants/")  # token last-used is recorded once a minute
    # token, its plants, the plant, the published run, the page with orders and operations
    with django_assert_num_queries(5):
        one = api.get("/api/v1/schedule/", {"plant": "NW1", "page_size": 1}).json()["results"]
    with django_assert_num_queries(5):
        many = api.get("/api/v1/schedule/", {"plant": "NW1", "page_size": 200}).json()["results"]
    assert len(one) == 1 and len(many) == 200
