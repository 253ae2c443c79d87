"""Idempotency-Key on POST commands: replay, conflict, in flight, scope and expiry."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from plant.models import ApiAuditEntry, IdempotencyKey
from scheduling.models import ProductionOrder
from tests.factories.plant import ItemFactory
from tests.factories.tokens import bearer, issue_token

T0 = dt.datetime(2030, 3, 4, 6, tzinfo=dt.UTC)


def rows(quantity: str = "5") -> dict:
    return {
        "orders": [
            {
                "external_ref": "SO-1",
                "item": "GEAR",
                "quantity": quantity,
                "release_at": T0.isoformat(),
                "due_at": (T0 + dt.timedelta(days=2)).isoformat(),
            }
        ]
    }


def post(client: Client, plant, body, key: str = "k-1"):
    return client.post(
        f"/api/v1/orders/bulk/?plant={plant.code}",
        body,
        "application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def gear(plant):
    return ItemFactory(plant=plant, code="GEAR")


@pytest.mark.django_db
def test_the_same_key_and_body_replays_the_first_response_without_running_twice(
    erp_client, plant, gear
) -> None:
    first = post(erp_client, plant, rows())
    ProductionOrder.objects.update(quantity=9)  # a second run would say "updated"
    second = post(erp_client, plant, rows())
    assert second.status_code == first.status_code == 200
    assert second.json() == first.json() == {"created": ["SO-1"], "updated": [], "unchanged": []}
    assert second["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert ApiAuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_with_422(erp_client, plant, gear) -> None:
    post(erp_client, plant, rows())
    response = post(erp_client, plant, rows(quantity="6"))
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_an_error_response_is_replayed_too(erp_client, plant, gear) -> None:
    bad = rows()
    bad["orders"][0]["item"] = "NOPE"
    assert post(erp_client, plant, bad).status_code == 422
    ItemFactory(plant=plant, code="NOPE")
    assert post(erp_client, plant, bad).status_code == 422  # same key: same answer
    assert post(erp_client, plant, bad, key="k-2").status_code == 200


@pytest.mark.django_db
@contextmanager
def still_running(row: IdempotencyKey) -> Iterator[None]:
    """The claim's first request is still running: on PostgreSQL its session holds the lock."""
    from django.db import connection, connections

    from plant.integrations.idempotency import claim_lock_id

    if connection.vendor != "postgresql":
        yield
        return
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [claim_lock_id(row.owner, row.key)])
    try:
        yield
    finally:
        other.close()


def test_a_key_still_in_flight_gets_409(erp_client, plant, gear) -> None:
    post(erp_client, plant, rows())
    IdempotencyKey.objects.update(state="in_flight", response_body=None)
    with still_running(IdempotencyKey.objects.get()):
        response = post(erp_client, plant, rows())
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_flight"


@pytest.mark.django_db
def test_keys_belong_to_one_token_and_expire(erp_client, plant, gear, settings) -> None:
    post(erp_client, plant, rows())
    other = Client(**bearer(issue_token(plant, username="erp2")))
    assert "Idempotent-Replayed" not in post(other, plant, rows(quantity="7"))
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    again = post(erp_client, plant, rows(quantity="8"))
    assert again.status_code == 200 and again.json()["updated"] == ["SO-1"]


@pytest.mark.django_db
def test_a_command_that_crashes_releases_its_key(erp_client, plant, gear, monkeypatch) -> None:
    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("scheduling.orders.api.upsert_orders", crash)
    with pytest.raises(RuntimeError):
        post(erp_client, plant, rows())
    assert not IdempotencyKey.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_run_the_command_once(
    plant, gear, monkeypatch
) -> None:
    from scheduling.orders import api as orders

    issued = issue_token(plant)
    entered, release = threading.Event(), threading.Event()
    real = orders.upsert_orders

    def slow(**kwargs):
        entered.set()
        assert release.wait(20)
        return real(**kwargs)

    monkeypatch.setattr(orders, "upsert_orders", slow)
    results: dict[str, int] = {}

    def call(name: str) -> None:
        try:
            results[name] = post(Client(**bearer(issued)), plant, rows()).status_code
        finally:
            connection.close()

    first = threading.Thread(target=call, args=("first",))
    first.start()
    assert entered.wait(20)
    second = threading.Thread(target=call, args=("second",))
    second.start()
    second.join(20)
    release.set()
    first.join(20)
    assert results == {"first": 200, "second": 409}
    replay = post(Client(**bearer(issued)), plant, rows())
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert ProductionOrder.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_to_claim_one_key_let_exactly_one_through(plant, gear) -> None:
    issued = issue_token(plant)
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def call() -> None:
        try:
            client = Client(**bearer(issued))
            barrier.wait(10)
            codes.append(post(client, plant, rows()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(codes)[0] == 200 and set(codes) <= {200, 409}
    assert ApiAuditEntry.objects.count() == 1 and ProductionOrder.objects.count() == 1


@pytest.mark.django_db
def test_the_hourly_purge_deletes_expired_keys_only(erp_client, plant, gear) -> None:
    from plant.tasks import purge_idempotency_keys_task

    post(erp_client, plant, rows(), key="old")
    post(erp_client, plant, rows(), key="new")
    IdempotencyKey.objects.filter(key="old").update(expires_at=timezone.now())
    assert purge_idempotency_keys_task() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_whose_request_died_is_taken_over_at_once_not_after_ten_minutes() -> None:
    """The claim's lock lives in the request's database session: a killed web process takes
    it along, and the client's retry with the same key runs at once."""
    import threading

    from django.db import connection

    from plant.errors import IdempotencyKeyInFlight
    from plant.integrations.idempotency import claim_idempotency_key, finish_idempotency_key

    claimed, die = threading.Event(), threading.Event()

    def first_request() -> None:
        claim_idempotency_key(owner="token:1", key="bulk-7", fingerprint="body")
        claimed.set()
        die.wait(10)
        connection.close()  # the process is killed: its session ends, and the lock with it

    first = threading.Thread(target=first_request)
    first.start()
    assert claimed.wait(10)
    with pytest.raises(IdempotencyKeyInFlight):  # still running: 409
        claim_idempotency_key(owner="token:1", key="bulk-7", fingerprint="body")
    die.set()
    first.join()
    row, fresh = claim_idempotency_key(owner="token:1", key="bulk-7", fingerprint="body")
    assert fresh
    finish_idempotency_key(row=row, status=200, body={})
