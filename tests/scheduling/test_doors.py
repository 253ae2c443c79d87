"""The page and the API of one operation leave the same rows: both doors call one service,
which opens the operation's transaction (docs/architecture.md, "Transactions"). The API adds
its audit entry, in that same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plant.models import ApiAuditEntry, PlantMembership
from scheduling.models import ProductionOrder, ScheduleRun
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run
from scheduling.planning.worker import execute_run
from tests.factories.tokens import bearer, issue_token
from tests.snapshots import written

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, demo_plant, manager) -> Client:
    PlantMembership.objects.filter(user=manager).delete()
    PlantMembership.objects.create(user=manager, plant=demo_plant)
    client.force_login(manager)
    return client


@pytest.fixture
def api(demo_plant) -> Client:
    return Client(**bearer(issue_token(demo_plant)))


def test_starting_a_run_from_the_page_or_the_api_writes_the_same_run(
    page, api, demo_plant, no_enqueue, django_capture_on_commit_callbacks
) -> None:
    start = timezone.localtime(timezone=demo_plant.tz).replace(second=0, microsecond=0)
    form = {
        "name": "Night",
        "horizon_start": start.strftime("%Y-%m-%dT%H:%M"),
        "horizon_days": 14,
        "mode": "weighted",
        "w_tardiness": 10,
        "w_overtime": 1,
        "w_setup": 1,
        "w_makespan": 0,
        "order": "tardiness-overtime-setup",
        "time_limit_s": 30,
        "overtime_allowed": "on",
    }
    body = {
        "plant": demo_plant.code,
        "name": "Night",
        "horizon_start": start.isoformat(),
        "horizon_end": (start + dt.timedelta(days=14)).isoformat(),
        "settings": {"weights": {"overtime_cost": 1, "setup_time": 1}, "time_limit_s": 30},
    }
    with django_capture_on_commit_callbacks(execute=True):
        by_page = written(lambda: page.post(reverse("scheduling:run-create"), form))
        by_api = written(lambda: api.post("/api/v1/runs/", body, "application/json"))
    assert set(by_page) == {"scheduling.schedulerun", "scheduling.schedulerun_orders"}
    assert by_page == by_api
    assert len(no_enqueue) == 2
    assert ApiAuditEntry.objects.get().object_ref == str(ScheduleRun.objects.latest("pk").pk)


def test_cancelling_an_order_from_the_page_or_the_api_writes_the_same(page, api) -> None:
    first, second = ProductionOrder.objects.open().order_by("pk")[:2]
    by_page = written(lambda: page.post(reverse("scheduling:order-cancel", args=[first.pk])))
    by_api = written(lambda: api.post(f"/api/v1/orders/{second.external_ref}/cancel/?plant=NW1"))
    assert by_page == by_api == {"scheduling.productionorder": [{"status": "cancelled"}]}
    entry = ApiAuditEntry.objects.get()
    assert entry.object_ref == str(second.pk) and entry.changes == {
        "status": [second.status, "cancelled"]
    }


@pytest.mark.django_db(transaction=True)
def test_publishing_a_run_from_the_page_or_the_api_writes_the_same(
    page, api, demo_plant, horizon, no_enqueue
) -> None:
    run = create_run(
        plant=demo_plant,
        name="Solved",
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=RunSettings(time_limit_s=1, workers=1),
    )
    execute_run(run_id=run.pk, attempt=1, worker="t")
    by_page = written(lambda: page.post(reverse("scheduling:run-publish", args=[run.pk])))
    ScheduleRun.objects.update(is_published=False, published_at=None)
    by_api = written(lambda: api.post(f"/api/v1/runs/{run.pk}/publish/"))
    assert by_page == by_api == {"scheduling.schedulerun": [{"is_published": True}]}
    assert ApiAuditEntry.objects.get().changes == {"is_published": [False, True]}
