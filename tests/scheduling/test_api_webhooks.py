"""Scheduling events reach webhook subscribers: in process, and through a real worker."""

from __future__ import annotations

import time
import uuid

import pytest

from plant.integrations.webhooks import emit_event, save_webhook_subscription
from plant.models import WebhookDelivery
from tests.plant.webhook_server import receiver


def subscribe(plant, url: str, events=("schedule.published",)):
    return save_webhook_subscription(plant=plant, url=url, events=list(events))


@pytest.mark.django_db
def test_publishing_a_run_emits_schedule_published(
    demo_plant, horizon, no_enqueue, django_capture_on_commit_callbacks
) -> None:
    from scheduling.planning.run_settings import RunSettings
    from scheduling.planning.runs import create_run, publish_run
    from scheduling.planning.worker import execute_run

    subscribe(demo_plant, "https://erp.example.com/a", ["schedule.published", "run.finished"])
    run = create_run(
        plant=demo_plant,
        name="r",
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=RunSettings(time_limit_s=1, workers=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        execute_run(run_id=run.pk, attempt=1, worker="t")
        run.refresh_from_db()
        publish_run(run=run)
    events = list(WebhookDelivery.objects.order_by("created_at").values_list("event", "payload"))
    assert [e for e, _ in events] == ["run.finished", "schedule.published"]
    assert events[1][1]["data"]["run"] == run.pk and events[1][1]["data"]["kpis"]["orders"] > 0


@pytest.mark.django_db
def test_completing_the_last_step_emits_operation_completed_and_order_completed(
    plant, manager, sent_tasks, django_capture_on_commit_callbacks
) -> None:
    from decimal import Decimal

    from scheduling.floor import operations
    from tests.factories.floor import build_floor

    floor = build_floor(plant, steps=1, machines=1)
    subscribe(plant, "https://erp.example.com/floor", ["order.completed", "operation.completed"])
    common = {
        "order": floor.order,
        "operation": floor.steps[0],
        "actor": operations.Actor(manager, floor.operator),
    }
    with django_capture_on_commit_callbacks(execute=True):
        operations.start_operation(event_id=uuid.uuid4(), machine=floor.machines[0], **common)
    assert not WebhookDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        operations.complete_operation(
            event_id=uuid.uuid4(), good=Decimal("9"), scrap=Decimal("1"), **common
        )
    sent = dict(WebhookDelivery.objects.values_list("event", "payload"))
    assert set(sent) == {"operation.completed", "order.completed"}
    step = sent["operation.completed"]["data"]
    assert (step["order"], step["machine"], step["good_quantity"], step["operator"]) == (
        floor.order.external_ref,
        "MIL-01",
        "9.000",
        "1001",
    )
    order = sent["order.completed"]["data"]
    assert (order["status"], order["completed_quantity"]) == ("done", "9.000")


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_signed_event_retrying_a_failing_endpoint(
    plant, start_worker, monkeypatch
) -> None:
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_S", "0.5")
    start_worker()
    with receiver(replies=[502]) as server:
        server.secret = subscribe(plant, server.url, ["order.completed"]).secret
        (delivery,) = emit_event(plant=plant, event="order.completed", payload={"order": "SO-1"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status != "pending":
                break
            time.sleep(0.2)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [r["valid"] for r in server.received] == [True, True]
    assert [a.status_code for a in delivery.log.all()] == [502, 200]
