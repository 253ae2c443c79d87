"""Webhooks: subscriptions per plant, signed JSON deliveries with retries, and replay.

A delivery is a row first; a Celery task on the `default` queue POSTs it after commit (never
inside a transaction), logs every attempt and retries with exponential backoff up to
WEBHOOK_MAX_ATTEMPTS. Receivers get each event at least once and de-duplicate on the event's
id (the body's `id`, `X-Takt-Event-Id`), which retries and replays keep.

A webhook goes only to http(s) and, unless WEBHOOK_ALLOW_PRIVATE, never into this server's
own network: the URL's scheme and host are checked when it is saved and before every try,
the address actually connected to before a byte is sent, and redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from plant.errors import RuleViolation
from plant.models import Plant, WebhookAttempt, WebhookDelivery, WebhookSubscription
from plant.models.integrations import WEBHOOK_EVENTS
from plant.queue import enqueue

DELIVER_WEBHOOK = "plant.deliver_webhook"  # the Celery task that sends one delivery
EVENT_NAMES = frozenset(name for name, _ in WEBHOOK_EVENTS)
Status = WebhookDelivery.Status


def refused_host(host: str) -> str:
    """Why webhooks may not go to `host` ("" when they may). Unless WEBHOOK_ALLOW_PRIVATE,
    a subscription may not point at this server's own network: loopback, private, link-local
    (cloud metadata), reserved or unspecified addresses, or `localhost`. A name is checked
    again on every delivery against the address actually connected to (`_GuardedHTTP*`)."""
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return ""
    if not host:
        return "has no host"
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return "points at this server (localhost)"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return ""  # a name: checked when connecting
    return refused_address(address)


# Carrier-grade NAT (RFC 6598): not "private" to ipaddress, yet inside some clouds' networks
# (Alibaba Cloud's metadata service is 100.100.100.200).
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")


def refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return ""
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    if (
        address in SHARED_ADDRESS_SPACE
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    ):
        return f"points at a private or internal address ({address})"
    return ""


class RefusedAddress(OSError):
    pass


def _check_peer(sock: Any) -> None:
    refused = refused_address(ipaddress.ip_address(sock.getpeername()[0]))
    if refused:
        sock.close()
        raise RefusedAddress(f"refused: the host {refused}")


_TLS = ssl.create_default_context()


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)  # before a byte of the request is sent


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        # the TCP connection first, checked, then TLS over it (http.client's own order)
        http.client.HTTPConnection.connect(self)
        _check_peer(self.sock)
        host = getattr(self, "_tunnel_host", None) or self.host  # a proxy's CONNECT target
        self.sock = _TLS.wrap_socket(self.sock, server_hostname=host)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_GuardedHTTPSConnection, req, context=_TLS)


def _opener() -> urllib.request.OpenerDirector:
    """Only what a webhook needs, not `build_opener`'s defaults: http and https through the
    guarded connections, behind an http(s) proxy from the environment if there is one. No
    ftp, file or data handler (another scheme fails as unknown), and no redirect handler: a
    3xx is a failed try, so nothing but the subscription's own URL is ever connected to."""
    opener = urllib.request.OpenerDirector()
    proxies = {k: v for k, v in urllib.request.getproxies().items() if k in ("http", "https")}
    for handler in (
        urllib.request.ProxyHandler(proxies),
        _GuardedHTTPHandler(),
        _GuardedHTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener


_OPENER = _opener()


def refused_url(url: str) -> str:
    """Why a webhook may not go to `url` ("" when it may): http or https only, to a host
    `refused_host` allows. Checked before every try too: a subscription edited in the admin
    or saved while WEBHOOK_ALLOW_PRIVATE was on is held to the same rule."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return f"is not http or https ({parts.scheme or 'no scheme'})"
    return refused_host(host)


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `timestamp.body`; sent as `X-Takt-Signature: sha256=<hex>`."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def save_webhook_subscription(
    *, plant: Plant, url: str, events: list[str], subscription: WebhookSubscription | None = None
) -> WebhookSubscription:
    """Create (with a new secret) or change a subscription to some of WEBHOOK_EVENTS."""
    unknown = sorted(set(events) - EVENT_NAMES)
    if unknown or not events:
        raise RuleViolation(
            f"Unknown events: {', '.join(unknown)}." if unknown else "Choose at least one event.",
            detail={"events": unknown or ["Required."]},
        )
    if not url.startswith(("https://", "http://")):
        raise RuleViolation("The URL must be http or https.", detail={"url": ["Not http(s)."]})
    refused = refused_host(urllib.parse.urlsplit(url).hostname or "")
    if refused:
        raise RuleViolation(f"The URL {refused}.", detail={"url": [refused.capitalize() + "."]})
    subscription = subscription or WebhookSubscription(plant=plant, secret=secrets.token_hex(32))
    subscription.url, subscription.events = url, sorted(set(events))
    subscription.save()
    return subscription


def emit_event(
    *, plant: Plant, event: str, payload: dict[str, Any] | Callable[[], dict[str, Any]]
) -> list[WebhookDelivery]:
    """Queue `event` for every active subscription of the plant that listens to it.

    May be called inside the caller's transaction: the rows commit with it and the tasks are
    enqueued only after commit. `payload` must be JSON-serialisable (datetimes are fine); a
    callable is called only when some subscription listens (a tablet's completion then costs
    one query when nobody does). The event gets one id, the same in every subscription's
    delivery (and in replays): what receivers de-duplicate on.
    """
    if event not in EVENT_NAMES:
        raise RuleViolation(f"Unknown webhook event '{event}'.")
    listening = [
        s
        for s in WebhookSubscription.objects.filter(plant=plant, is_active=True)
        if event in s.events
    ]
    if not listening:
        return []
    raw = payload() if callable(payload) else payload
    body = {
        "id": str(uuid.uuid4()),
        "event": event,
        "plant": plant.code,
        "created_at": timezone.now().isoformat(),
        "data": raw,
    }
    body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    with transaction.atomic():
        deliveries = [_new_delivery(s, event, body) for s in listening]
    return deliveries


def replay_webhook_delivery(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's payload again, as a new delivery with its own log. The payload, and
    so the event's id, is the original's: a receiver that processed it already skips it."""
    with transaction.atomic():
        return _new_delivery(delivery.subscription, delivery.event, delivery.payload, delivery)


def _new_delivery(
    subscription: WebhookSubscription,
    event: str,
    payload: dict[str, Any],
    replay_of: WebhookDelivery | None = None,
) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event=event, payload=payload, replay_of=replay_of
    )
    enqueue(DELIVER_WEBHOOK, str(delivery.pk))
    return delivery


def attempt_webhook_delivery(*, delivery_id: str) -> float | None:
    """POST a pending delivery once and log it. Returns seconds until the next try, or None
    when it is done (delivered, out of tries, or no longer pending)."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status != Status.PENDING:
        return None
    number = delivery.attempts + 1
    outcome = _post(delivery)
    ok = outcome["status_code"] is not None and 200 <= outcome["status_code"] < 300
    final = ok or number >= settings.WEBHOOK_MAX_ATTEMPTS
    status = Status.DELIVERED if ok else Status.FAILED if final else Status.PENDING
    with transaction.atomic():
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, attempts=delivery.attempts, status=Status.PENDING
        ).update(attempts=number, status=status, updated_at=timezone.now())
        if not claimed:  # another worker logged this attempt already
            return None
        WebhookAttempt.objects.create(delivery=delivery, number=number, **outcome)
    return None if final else float(settings.WEBHOOK_RETRY_BASE_S * 2 ** (number - 1))


def _post(delivery: WebhookDelivery) -> dict[str, Any]:
    started = time.monotonic()
    code, excerpt, error = None, b"", ""
    refused = refused_url(delivery.subscription.url)
    if refused:
        return _outcome(code, excerpt, f"refused: the URL {refused}", started)
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    signature = sign(secret=delivery.subscription.secret, timestamp=timestamp, body=body)
    request = urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Takt-Webhooks/1",
            "X-Takt-Event": delivery.event,
            "X-Takt-Event-Id": delivery.event_id,
            "X-Takt-Delivery": str(delivery.pk),
            "X-Takt-Timestamp": timestamp,
            "X-Takt-Signature": f"sha256={signature}",
        },
    )
    try:
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_S) as response:
            code, excerpt = response.status, _excerpt(response)
    except urllib.error.HTTPError as failure:
        code, excerpt = failure.code, _excerpt(failure)
        if 300 <= code < 400:
            target = (failure.headers.get("Location") or "nowhere")[:200]
            error = f"redirect to {target} not followed: give the subscription the final URL"
    except (urllib.error.URLError, http.client.HTTPException, OSError) as failure:
        error = str(getattr(failure, "reason", failure)) or type(failure).__name__
    return _outcome(code, excerpt, error, started)


def _excerpt(response: Any) -> bytes:
    try:
        return bytes(response.read(500))
    except (http.client.HTTPException, OSError):
        return b""


def _outcome(code: int | None, excerpt: bytes, error: str, started: float) -> dict[str, Any]:
    return {
        "status_code": code,
        "response_excerpt": excerpt.decode(errors="replace")[:500],
        "error": error[:300],
        "duration_ms": int((time.monotonic() - started) * 1000),
    }
