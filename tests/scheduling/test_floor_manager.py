"""The manager's side: alerts, the Gantt's actuals, KPIs page, reschedule action."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from scheduling.floor.downtime import mark_machine_down
from scheduling.floor.operations import Actor, start_operation
from scheduling.models import ScheduledOperation
from tests.factories.floor import build_floor, publish_plan
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(plant):
    floor = build_floor(plant)
    floor.run = publish_plan(floor, [floor.order, floor.new_order()])
    return floor


def test_the_alerts_name_a_machine_that_is_down_and_late_operations(manager_client, floor, manager):
    ScheduledOperation.objects.filter(run=floor.run).update(
        start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        setup_start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2000, 1, 1, 1, tzinfo=dt.UTC),
    )
    mark_machine_down(
        event_id=uuid.uuid4(),
        machine=floor.machines[1],
        reason=floor.breakdown,
        actor=Actor(manager),
    )
    html = manager_client.get(reverse("scheduling:floor-alerts")).content.decode()
    assert "MIL-02 is down" in html and "running late" in html and "Reschedule" in html


def test_no_alerts_when_all_is_well(manager_client, floor):
    assert manager_client.get(reverse("scheduling:floor-alerts")).content.decode().strip() == ""


def test_the_gantt_actuals_show_a_started_operation(
    manager_client, floor, manager, django_assert_num_queries
):
    start_operation(
        event_id=uuid.uuid4(),
        order=floor.order,
        operation=floor.steps[0],
        machine=floor.machines[0],
        actor=Actor(manager),
    )
    url = reverse("scheduling:run-actuals", kwargs={"pk": floor.run.pk})
    with django_assert_num_queries(6):
        data = manager_client.get(url).json()
    (row,) = data["actuals"]
    assert row[1] == "running" and row[2] is not None and row[4] == 0


def test_an_outsider_cannot_read_the_actuals(outsider_client, floor):
    url = reverse("scheduling:run-actuals", kwargs={"pk": floor.run.pk})
    assert outsider_client.get(url).status_code == 404


def test_the_kpi_page_renders_with_the_pareto(manager_client, floor, manager):
    mark_machine_down(
        event_id=uuid.uuid4(),
        machine=floor.machines[1],
        reason=floor.breakdown,
        actor=Actor(manager),
    )
    html = manager_client.get(reverse("scheduling:floor-kpis")).content.decode()
    assert "By work centre" in html and "pareto-data" in html


def test_reschedule_creates_a_run_based_on_the_published_one(manager_client, floor, no_enqueue):
    response = manager_client.post(reverse("scheduling:floor-reschedule"))
    assert response.status_code == 302
    from scheduling.models import ScheduleRun

    run = ScheduleRun.objects.exclude(pk=floor.run.pk).get()
    assert run.base_run == floor.run and run.scenario["from_shop_floor"]


def test_a_supervisor_cannot_reschedule(client, supervisor, floor):
    client.force_login(supervisor)
    with unchanged():
        assert client.post(reverse("scheduling:floor-reschedule")).status_code == 403
