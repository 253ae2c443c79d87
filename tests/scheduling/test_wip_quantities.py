"""Quantity reports while a step runs, and quantities far above the order's (services)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scheduling.errors import OperationRuleViolation, OperationStateConflict, QuantityAboveOrder
from scheduling.floor.operations import Actor, report_quantities
from scheduling.models import OperationExecution, ProductionOrder, WipEvent
from tests.factories.floor import Floor, build_floor, new_id
from tests.scheduling.test_wip import complete, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(plant) -> Floor:
    return build_floor(plant)  # order quantity 10, two steps


@pytest.fixture
def actor(floor, supervisor) -> Actor:
    return Actor(user=supervisor, operator=floor.operator)


def report(floor: Floor, actor: Actor, step: int = 0, good="3", scrap="0", **kw):
    return report_quantities(
        event_id=kw.pop("event_id", new_id()),
        order=floor.order,
        operation=floor.steps[step],
        good=Decimal(good),
        scrap=Decimal(scrap),
        actor=actor,
        **kw,
    )


def order_of(floor: Floor) -> ProductionOrder:
    return ProductionOrder.objects.get(pk=floor.order.pk)


def test_a_report_adds_to_the_step_without_completing_it(floor, actor):
    start(floor, actor)
    outcome = report(floor, actor, good="4", scrap="1")
    execution = OperationExecution.objects.get()
    assert execution.status == "running" and execution.version == 2
    assert (execution.good_quantity, execution.scrap_quantity) == (Decimal(4), Decimal(1))
    assert outcome.result["operation"]["good_quantity"] == "4"
    assert WipEvent.objects.get(kind="report").good_quantity == Decimal(4)


def test_a_retried_report_counts_once(floor, actor):
    start(floor, actor)
    event_id = new_id()
    report(floor, actor, event_id=event_id, good="4")
    again = report(floor, actor, event_id=event_id, good="4", expected_version=1)
    assert again.replayed
    assert OperationExecution.objects.get().good_quantity == Decimal(4)


def test_reports_on_the_last_step_count_in_the_orders_progress_and_completion_adds_the_rest(
    floor, actor
):
    start(floor, actor, step=0)
    start(floor, actor, step=1, machine=1)
    report(floor, actor, step=1, good="4")
    assert order_of(floor).completed_quantity == Decimal(4)
    report(floor, actor, step=0, good="6")
    assert order_of(floor).completed_quantity == Decimal(4)  # not the last step
    complete(floor, actor, step=0, good="4", scrap="0")
    complete(floor, actor, step=1, good="5", scrap="1")
    order = order_of(floor)
    assert order.completed_quantity == Decimal(9) and order.status == "done"
    last = OperationExecution.objects.get(operation=floor.steps[1])
    assert (last.good_quantity, last.scrap_quantity) == (Decimal(9), Decimal(1))


def test_a_step_reported_in_full_completes_with_nothing_more(floor, actor):
    start(floor, actor)
    report(floor, actor, good="10")
    complete(floor, actor, good="0", scrap="0")
    assert OperationExecution.objects.get().status == "completed"


def test_a_report_needs_a_started_step_and_a_quantity(floor, actor):
    with pytest.raises(OperationStateConflict, match="before it starts"):
        report(floor, actor)
    start(floor, actor)
    with pytest.raises(OperationRuleViolation, match="Enter the good and scrap"):
        report(floor, actor, good="0", scrap="0")
    complete(floor, actor)
    with pytest.raises(OperationStateConflict, match="already completed"):
        report(floor, actor)
    assert not WipEvent.objects.filter(kind="report").exists()


def test_quantities_far_above_the_order_need_a_confirmation(floor, actor, settings):
    settings.FLOOR_QUANTITY_TOLERANCE_PCT = 10
    start(floor, actor)
    with pytest.raises(QuantityAboveOrder) as error:
        complete(floor, actor, good="100", scrap="0")
    assert error.value.status == 422
    assert error.value.detail == {"total": "100", "order_quantity": "10", "limit": "11"}
    assert OperationExecution.objects.get().status == "running"
    complete(floor, actor, good="100", scrap="0", confirm_over=True)
    assert OperationExecution.objects.get().good_quantity == Decimal(100)


def test_the_tolerance_counts_reports_and_scrap_together(floor, actor, settings):
    settings.FLOOR_QUANTITY_TOLERANCE_PCT = 10
    start(floor, actor)
    report(floor, actor, good="8", scrap="2")
    with pytest.raises(QuantityAboveOrder):
        report(floor, actor, good="1", scrap="1")
    report(floor, actor, good="1", scrap="0")  # 11: exactly the limit
    assert OperationExecution.objects.get().good_quantity == Decimal(9)
