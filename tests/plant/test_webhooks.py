"""Webhooks against a real HTTP server on loopback: signed, retried with backoff, logged."""

from __future__ import annotations

import time

import pytest

from plant.errors import RuleViolation
from plant.integrations.webhooks import (
    attempt_webhook_delivery,
    emit_event,
    replay_webhook_delivery,
    save_webhook_subscription,
)
from tests.plant.webhook_server import receiver

pytestmark = pytest.mark.django_db


def subscribe(plant, url: str, events=("schedule.published",)):
    return save_webhook_subscription(plant=plant, url=url, events=list(events))


def test_a_failing_then_succeeding_endpoint_gets_the_signed_event_on_the_second_try(
    plant, settings
) -> None:
    settings.WEBHOOK_RETRY_BASE_S = 30
    with receiver(replies=[500]) as server:
        sub = subscribe(plant, server.url)
        server.secret = sub.secret
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={"run": 7})
        assert attempt_webhook_delivery(delivery_id=str(delivery.pk)) == 30.0
        assert attempt_webhook_delivery(delivery_id=str(delivery.pk)) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    first, second = delivery.log.all()
    assert (first.status_code, first.response_excerpt) == (500, "try again later")
    assert second.status_code == 200 and second.duration_ms >= 0
    assert all(r["valid"] for r in server.received) and len(server.received) == 2
    sent = server.received[1]
    assert sent["body"]["data"] == {"run": 7} and sent["body"]["plant"] == plant.code
    assert sent["headers"]["X-Takt-Event"] == "schedule.published"
    assert sent["headers"]["X-Takt-Delivery"] == str(delivery.pk)
    assert sent["headers"]["X-Takt-Event-Id"] == sent["body"]["id"] == delivery.event_id
    assert abs(int(sent["headers"]["X-Takt-Timestamp"]) - time.time()) < 60


def test_a_signature_made_with_another_secret_does_not_verify(plant) -> None:
    with receiver(secret="not-the-secret") as server:
        subscribe(plant, server.url)
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        attempt_webhook_delivery(delivery_id=str(delivery.pk))
    assert server.received[0]["valid"] is False


def test_tries_are_bounded_and_back_off_exponentially(plant, settings) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_RETRY_BASE_S = 3, 10
    with receiver(replies=[503, 503, 503, 503]) as server:
        subscribe(plant, server.url)
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        delays = [attempt_webhook_delivery(delivery_id=str(delivery.pk)) for _ in range(4)]
    assert delays == [10.0, 20.0, None, None]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(server.received)) == ("failed", 3, 3)


def test_an_unreachable_endpoint_is_logged_with_its_error(plant) -> None:
    with receiver() as server:
        url = server.url
    subscribe(plant, url)  # the server is gone: connection refused
    (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
    assert attempt_webhook_delivery(delivery_id=str(delivery.pk)) is not None
    attempt = delivery.log.get()
    assert attempt.status_code is None and "refused" in attempt.error.lower()


def test_only_subscribers_of_the_event_in_that_plant_get_it(plant, other_plant) -> None:
    subscribe(plant, "https://erp.example.com/a", events=["run.finished"])
    wanted = subscribe(plant, "https://erp.example.com/b", events=["order.completed"])
    subscribe(other_plant, "https://erp.example.com/c", events=["order.completed"])
    deliveries = emit_event(plant=plant, event="order.completed", payload={"order": "SO-1"})
    assert [d.subscription for d in deliveries] == [wanted]
    with pytest.raises(RuleViolation):
        emit_event(plant=plant, event="order.exploded", payload={})


def test_a_payload_given_as_a_function_is_built_only_when_someone_listens(plant) -> None:
    built: list[str] = []

    def payload() -> dict[str, str]:
        built.append("built")
        return {"order": "SO-1"}

    assert emit_event(plant=plant, event="order.completed", payload=payload) == []
    assert built == []
    subscribe(plant, "https://erp.example.com/b", events=["order.completed"])
    (delivery,) = emit_event(plant=plant, event="order.completed", payload=payload)
    assert built == ["built"] and delivery.payload["data"] == {"order": "SO-1"}


def test_deliveries_are_enqueued_only_after_commit(
    plant, sent_tasks, django_capture_on_commit_callbacks
) -> None:
    subscribe(plant, "https://erp.example.com/a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        assert sent_tasks == []
    assert len(callbacks) == 1 and sent_tasks == [("plant.deliver_webhook", (str(delivery.pk),))]


def test_a_replay_is_a_new_delivery_of_the_same_event_which_the_receiver_skips(plant) -> None:
    """Receivers de-duplicate on the event's id (body `id`, `X-Takt-Event-Id`), which a
    replay keeps; the delivery id is new, for support."""
    with receiver() as server:
        subscribe(plant, server.url)
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={"run": 1})
        attempt_webhook_delivery(delivery_id=str(delivery.pk))
        again = replay_webhook_delivery(delivery=delivery)
        attempt_webhook_delivery(delivery_id=str(again.pk))
    assert again.replay_of == delivery and again.pk != delivery.pk
    first, second = server.received
    assert first["body"] == second["body"]
    assert first["headers"]["X-Takt-Event-Id"] == second["headers"]["X-Takt-Event-Id"]
    assert second["headers"]["X-Takt-Event-Id"] == first["body"]["id"] == delivery.event_id
    assert [r["headers"]["X-Takt-Delivery"] for r in server.received] == [
        str(delivery.pk),
        str(again.pk),
    ]


def test_an_event_has_one_id_for_every_subscription_and_each_event_its_own(plant) -> None:
    subscribe(plant, "https://erp.example.com/a")
    subscribe(plant, "https://mes.example.com/b")
    one = emit_event(plant=plant, event="schedule.published", payload={"run": 1})
    other = emit_event(plant=plant, event="schedule.published", payload={"run": 1})
    assert len({d.event_id for d in one}) == 1 and len({d.pk for d in one}) == 2
    assert one[0].event_id != other[0].event_id
