"""The shop-floor state machine, idempotent events and order progress (services)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plant.errors import DomainError
from plant.models import Machine
from scheduling.errors import (
    EventIdReused,
    OperationRuleViolation,
    OperationStateConflict,
    StaleVersion,
)
from scheduling.floor.downtime import (
    add_note,
    mark_machine_down,
    mark_machine_up,
    record_downtime,
)
from scheduling.floor.operations import (
    Actor,
    complete_operation,
    pause_operation,
    resume_operation,
    start_operation,
)
from scheduling.models import Downtime, OperationExecution, ProductionOrder, WipEvent
from tests.factories.floor import Floor, build_floor, new_id

Status = OperationExecution.Status


@pytest.fixture
def floor(plant) -> Floor:
    return build_floor(plant)


@pytest.fixture
def actor(floor, supervisor) -> Actor:
    return Actor(user=supervisor, operator=floor.operator)


def start(floor: Floor, actor: Actor, step: int = 0, machine: int = 0, order=None, **kw):
    return start_operation(
        event_id=kw.pop("event_id", new_id()),
        order=order or floor.order,
        operation=floor.steps[step],
        machine=floor.machines[machine],
        actor=actor,
        **kw,
    )


def complete(floor: Floor, actor: Actor, step: int = 0, good="9", scrap="1", order=None, **kw):
    return complete_operation(
        event_id=kw.pop("event_id", new_id()),
        order=order or floor.order,
        operation=floor.steps[step],
        good=Decimal(good),
        scrap=Decimal(scrap),
        actor=actor,
        **kw,
    )


def test_starting_records_the_machine_the_start_time_and_who_started(floor, actor, supervisor):
    outcome = start(floor, actor)
    execution = OperationExecution.objects.get()
    assert execution.status == Status.RUNNING
    assert execution.machine == floor.machines[0]
    assert execution.actual_start is not None
    assert execution.started_by == floor.operator
    assert execution.version == 1
    event = WipEvent.objects.get()
    assert (event.operator, event.user) == (floor.operator, supervisor)
    assert outcome.result["operation"]["status"] == "running"
    floor.order.refresh_from_db()
    assert floor.order.status == ProductionOrder.Status.IN_PROGRESS


def test_completing_records_quantities_end_and_who_completed(floor, actor):
    start(floor, actor)
    complete(floor, actor, good="8", scrap="2")
    execution = OperationExecution.objects.get()
    assert execution.status == Status.COMPLETED
    assert (execution.good_quantity, execution.scrap_quantity) == (Decimal(8), Decimal(2))
    assert execution.actual_end >= execution.actual_start
    assert execution.completed_by == floor.operator


def test_an_operation_cannot_be_completed_before_it_starts(floor, actor):
    with pytest.raises(OperationStateConflict, match="before it starts"):
        complete(floor, actor)
    assert not WipEvent.objects.exists()


def test_a_step_cannot_start_before_its_predecessor_has_started(floor, actor):
    with pytest.raises(OperationRuleViolation, match="has not started"):
        start(floor, actor, step=1)


def test_a_step_that_allows_overlap_may_start_before_its_predecessor(floor, actor):
    floor.steps[1].allows_overlap = True
    floor.steps[1].save()
    start(floor, actor, step=1)
    assert OperationExecution.objects.get().operation == floor.steps[1]


def test_a_step_may_start_once_its_predecessor_has_started(floor, actor):
    start(floor, actor, step=0, machine=0)
    start(floor, actor, step=1, machine=1)
    assert OperationExecution.objects.filter(status=Status.RUNNING).count() == 2


def test_a_machine_runs_one_operation_at_a_time(floor, actor):
    start(floor, actor, machine=0)
    other = floor.new_order()
    with pytest.raises(OperationStateConflict, match="already running"):
        start(floor, actor, machine=0, order=other)


def test_a_machine_with_capacity_two_runs_two_operations(floor, actor):
    Machine.objects.filter(pk=floor.machines[0].pk).update(capacity=2)
    floor.machines[0].refresh_from_db()
    start(floor, actor, machine=0)
    start(floor, actor, machine=0, order=floor.new_order())
    with pytest.raises(OperationStateConflict, match="already running"):
        start(floor, actor, machine=0, order=floor.new_order())


def test_the_database_refuses_a_second_running_operation_on_a_single_machine(floor, actor):
    from django.db import IntegrityError, transaction

    start(floor, actor, machine=0)
    running = OperationExecution.objects.get()
    other = OperationExecution.objects.create(
        plant=floor.plant, order=floor.new_order(), operation=floor.steps[0]
    )
    other.status, other.machine, other.actual_start = (
        Status.RUNNING,
        running.machine,
        running.actual_start,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_a_retried_start_returns_the_first_result_and_counts_once(floor, actor):
    event_id = new_id()
    first = start(floor, actor, event_id=event_id)
    again = start(floor, actor, event_id=event_id)
    assert again.replayed and not first.replayed
    assert again.result == first.result
    assert WipEvent.objects.count() == 1
    assert OperationExecution.objects.get().version == 1


def test_a_retried_completion_never_counts_the_quantities_twice(floor, actor):
    start(floor, actor)
    event_id = new_id()
    complete(floor, actor, event_id=event_id, good="9", scrap="1")
    complete(floor, actor, event_id=event_id, good="9", scrap="1")
    execution = OperationExecution.objects.get()
    assert execution.good_quantity == Decimal(9)
    assert WipEvent.objects.filter(kind="complete").count() == 1


def test_an_event_id_reused_for_another_action_is_refused(floor, actor):
    event_id = new_id()
    start(floor, actor, event_id=event_id)
    with pytest.raises(EventIdReused):
        complete(floor, actor, event_id=event_id)


def test_a_stale_version_is_refused(floor, actor):
    start(floor, actor, expected_version=0)
    with pytest.raises(StaleVersion) as error:
        complete(floor, actor, expected_version=0)
    assert error.value.status == 412
    complete(floor, actor, expected_version=1)


def test_pause_needs_a_running_operation_and_opens_a_downtime_until_resumed(floor, actor):
    start(floor, actor)
    args = {"order": floor.order, "operation": floor.steps[0], "actor": actor}
    pause_operation(event_id=new_id(), reason=floor.breakdown, **args)
    assert OperationExecution.objects.get().status == Status.PAUSED
    assert Downtime.objects.get().ended_at is None
    with pytest.raises(OperationStateConflict):
        pause_operation(event_id=new_id(), reason=floor.breakdown, **args)
    resume_operation(event_id=new_id(), **args)
    assert OperationExecution.objects.get().status == Status.RUNNING
    assert Downtime.objects.get().ended_at is not None


def test_completing_a_paused_operation_closes_its_pause(floor, actor):
    start(floor, actor)
    pause_operation(
        event_id=new_id(),
        order=floor.order,
        operation=floor.steps[0],
        reason=floor.breakdown,
        actor=actor,
    )
    complete(floor, actor)
    assert Downtime.objects.get().ended_at is not None


def test_quantities_must_not_be_negative_or_both_zero(floor, actor):
    start(floor, actor)
    with pytest.raises(OperationRuleViolation):
        complete(floor, actor, good="-1", scrap="0")
    with pytest.raises(OperationRuleViolation, match="Enter the good and scrap"):
        complete(floor, actor, good="0", scrap="0")


def test_the_order_is_done_with_its_completed_quantity_after_the_last_step(floor, actor):
    start(floor, actor, step=0)
    complete(floor, actor, step=0, good="10", scrap="0")
    floor.order.refresh_from_db()
    assert floor.order.status == ProductionOrder.Status.IN_PROGRESS
    assert floor.order.completed_quantity == 0
    start(floor, actor, step=1, machine=1)
    complete(floor, actor, step=1, good="9", scrap="1")
    floor.order.refresh_from_db()
    assert floor.order.status == ProductionOrder.Status.DONE
    assert floor.order.completed_quantity == Decimal(9)


def test_a_cancelled_order_cannot_start(floor, actor):
    ProductionOrder.objects.filter(pk=floor.order.pk).update(status="cancelled")
    floor.order.refresh_from_db()
    with pytest.raises(OperationStateConflict, match="cancelled"):
        start(floor, actor)


def test_a_machine_that_is_not_eligible_cannot_start_the_step(floor, actor, plant):
    from tests.factories.plant import MachineFactory

    stranger = MachineFactory(work_centre=floor.machines[0].work_centre, code="LAT-09")
    with pytest.raises(OperationRuleViolation, match="cannot run"):
        start_operation(
            event_id=new_id(),
            order=floor.order,
            operation=floor.steps[0],
            machine=stranger,
            actor=actor,
        )


def test_a_machine_going_down_pauses_its_operation_and_blocks_starts(floor, actor):
    start(floor, actor, machine=0)
    mark_machine_down(
        event_id=new_id(), machine=floor.machines[0], reason=floor.breakdown, actor=actor
    )
    floor.machines[0].refresh_from_db()
    assert floor.machines[0].status == Machine.Status.DOWN
    assert OperationExecution.objects.get().status == Status.PAUSED
    with pytest.raises(OperationStateConflict, match="down"):
        start(floor, actor, machine=0, order=floor.new_order())
    with pytest.raises(OperationStateConflict, match="down"):
        resume_operation(
            event_id=new_id(), order=floor.order, operation=floor.steps[0], actor=actor
        )
    mark_machine_up(event_id=new_id(), machine=floor.machines[0], actor=actor)
    down = Downtime.objects.get(machine_down=True)
    assert down.ended_at is not None and down.reason == floor.breakdown


def test_a_machine_already_down_cannot_go_down_again(floor, actor):
    args = {"machine": floor.machines[0], "reason": floor.breakdown, "actor": actor}
    mark_machine_down(event_id=new_id(), **args)
    with pytest.raises(OperationStateConflict, match="already down"):
        mark_machine_down(event_id=new_id(), **args)


def test_recorded_downtime_ends_now_and_lasts_the_minutes_given(floor, actor):
    record_downtime(
        event_id=new_id(),
        machine=floor.machines[1],
        reason=floor.breakdown,
        minutes=25,
        actor=actor,
    )
    span = Downtime.objects.get()
    assert (span.ended_at - span.started_at).total_seconds() == 25 * 60
    with pytest.raises(DomainError):
        record_downtime(
            event_id=new_id(),
            machine=floor.machines[1],
            reason=floor.breakdown,
            minutes=0,
            actor=actor,
        )


def test_a_retried_downtime_report_is_recorded_once_and_answers_as_the_first(floor, actor):
    event_id = new_id()
    report = {
        "machine": floor.machines[1],
        "reason": floor.breakdown,
        "minutes": 25,
        "actor": actor,
        "note": "belt slipped",
    }
    first = record_downtime(event_id=event_id, **report)
    again = record_downtime(event_id=event_id, **report)
    assert not first.replayed and again.replayed
    assert again.event.pk == first.event.pk and again.event.result == first.event.result
    assert Downtime.objects.count() == 1 and WipEvent.objects.count() == 1


def test_a_retried_note_is_written_once(floor, actor):
    event_id = new_id()
    first = add_note(event_id=event_id, machine=floor.machines[0], note="Coolant low", actor=actor)
    again = add_note(event_id=event_id, machine=floor.machines[0], note="Coolant low", actor=actor)
    assert not first.replayed and again.replayed
    assert list(WipEvent.objects.values_list("kind", "note")) == [("note", "Coolant low")]


def test_a_retried_machine_down_is_a_replay_not_an_already_down_error(floor, actor):
    event_id = new_id()
    args = {"machine": floor.machines[0], "reason": floor.breakdown, "actor": actor}
    mark_machine_down(event_id=event_id, **args)
    again = mark_machine_down(event_id=event_id, **args)
    assert again.replayed
    assert Downtime.objects.filter(machine_down=True).count() == 1


def test_a_machine_event_id_reused_on_another_machine_is_refused(floor, actor):
    event_id = new_id()
    add_note(event_id=event_id, machine=floor.machines[0], note="Coolant low", actor=actor)
    with pytest.raises(EventIdReused):
        add_note(event_id=event_id, machine=floor.machines[1], note="Coolant low", actor=actor)
    assert WipEvent.objects.count() == 1
