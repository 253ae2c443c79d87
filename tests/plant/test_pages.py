from __future__ import annotations

import pytest

from tests.factories.plant import MachineFactory
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


def test_the_home_page_asks_an_anonymous_visitor_to_log_in(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_manager_sees_their_plants_machines_and_an_outsider_does_not(
    client, plant, manager, outsider
) -> None:
    MachineFactory(work_centre__plant=plant, code="MILL-7", name="Big mill")
    client.force_login(manager)
    assert "MILL-7" in client.get("/").content.decode()
    client.force_login(outsider)
    assert "MILL-7" not in client.get("/").content.decode()


def test_switching_to_another_plants_id_is_not_found(client, plant, other_plant, outsider) -> None:
    client.force_login(outsider)
    with unchanged():
        assert client.post("/plant/switch/", {"plant": plant.pk}).status_code == 404


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("/orders/?status=late", "/orders/?status=late"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_the_plant_switcher_returns_only_to_a_page_of_this_site(
    client, plant, manager, target: str, lands_on: str
) -> None:
    client.force_login(manager)
    response = client.post("/plant/switch/", {"plant": plant.pk, "next": target})
    assert response.status_code == 302 and response["Location"] == lands_on


def test_healthz_reports_the_database_and_the_broker(client) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True


def test_healthz_answers_503_and_names_the_failure_when_the_broker_is_down(
    client, monkeypatch
) -> None:
    from plant import health

    def refuse():
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setattr(health.celery_app, "connection_for_write", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "degraded"
    assert response.json()["broker"] == {"ok": False, "error": "broker unreachable"}
