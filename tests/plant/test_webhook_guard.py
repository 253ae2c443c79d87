"""The webhook guard: http(s) only, never into this server's own network, on every try and
whatever the receiver answers (redirects are not followed)."""

from __future__ import annotations

import pytest

from plant.errors import RuleViolation
from plant.integrations.webhooks import (
    attempt_webhook_delivery,
    emit_event,
    save_webhook_subscription,
)
from plant.models import WebhookSubscription
from tests.plant.webhook_server import inner_service, receiver

pytestmark = pytest.mark.django_db


def subscribe(plant, url: str, events=("schedule.published",)):
    return save_webhook_subscription(plant=plant, url=url, events=list(events))


def attempt(delivery):
    """One try; what it logged."""
    attempt_webhook_delivery(delivery_id=str(delivery.pk))
    return delivery.log.order_by("number").last()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",  # carrier-grade NAT, inside some clouds
        "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud's metadata service
        "http://[::ffff:100.127.255.254]/hook",
    ],
)
def test_a_webhook_into_this_servers_own_network_is_refused(plant, settings, url) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(RuleViolation) as refused:
        subscribe(plant, url)
    assert "url" in refused.value.detail
    assert "private or internal" in str(refused.value) or "localhost" in str(refused.value)


def test_a_public_address_or_a_name_is_accepted(plant, settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert subscribe(plant, "https://erp.example.com/takt").pk
    assert subscribe(plant, "http://93.184.215.14/takt").pk


def test_a_name_that_leads_into_the_private_network_is_refused_when_connecting(
    plant, settings
) -> None:
    """A name may resolve anywhere, and again differently later: the address actually
    connected to is checked before the request is sent, so the receiver gets nothing."""
    with receiver() as server:
        sub = subscribe(plant, server.url)  # allowed while WEBHOOK_ALLOW_PRIVATE
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        settings.WEBHOOK_ALLOW_PRIVATE = False
        attempt(delivery)
        assert server.received == []
    logged = sub.deliveries.get().log.get()
    assert logged.status_code is None and "refused" in logged.error


@pytest.mark.parametrize("scheme", ["ftp", "http"])
def test_a_redirect_is_a_failed_try_and_is_never_followed_inside(plant, settings, scheme) -> None:
    """A public receiver answering 302 to a service inside: the worker connects to nothing
    but the receiver, even where WEBHOOK_ALLOW_PRIVATE lets it reach loopback (the test's
    receiver is on loopback), and nothing of the inside reaches the log."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with inner_service() as inner, receiver(replies=[302]) as server:
        server.location = f"{scheme}://127.0.0.1:{inner.port}/latest/meta-data/"
        subscribe(plant, server.url)
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        logged = attempt(delivery)
    assert inner.connections == 0 and len(server.received) == 1
    assert logged.status_code == 302 and server.location in logged.error
    assert "not followed" in logged.error
    assert "inner-secret" not in logged.error + logged.response_excerpt
    delivery.refresh_from_db()
    assert delivery.status == "pending"  # a failed try: tried again later


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1:{port}/pub", "file:///etc/passwd", "data:text/plain,hello"],
)
def test_a_url_of_another_scheme_set_around_the_service_is_never_opened(
    plant, settings, url
) -> None:
    """The admin's URL field takes ftp://: the try checks the URL as saving does."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with inner_service() as inner:
        sub = subscribe(plant, "https://erp.example.com/takt")
        WebhookSubscription.objects.filter(pk=sub.pk).update(url=url.format(port=inner.port))
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        logged = attempt(delivery)
    assert inner.connections == 0
    assert logged.status_code is None and logged.error.startswith("refused: the URL is not http")


def test_an_address_inside_set_around_the_service_is_refused_before_connecting(
    plant, settings
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with inner_service() as inner:
        sub = subscribe(plant, "https://erp.example.com/takt")
        inner_url = f"http://127.0.0.1:{inner.port}/hook"
        WebhookSubscription.objects.filter(pk=sub.pk).update(url=inner_url)
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        logged = attempt(delivery)
    assert inner.connections == 0 and "private or internal" in logged.error


def test_a_receiver_that_does_not_answer_http_is_a_failed_try_with_its_error(
    plant, settings
) -> None:
    """An answer http.client cannot parse was an exception out of the task: the try was
    never logged and the delivery stayed pending with no tries."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with inner_service(reply=b"220 not http\r\n") as service:
        subscribe(plant, f"http://127.0.0.1:{service.port}/hook")
        (delivery,) = emit_event(plant=plant, event="schedule.published", payload={})
        logged = attempt(delivery)
    assert service.connections == 1
    assert logged.status_code is None and "220 not http" in logged.error
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
