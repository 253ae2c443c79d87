"""Two tablets at once, on PostgreSQL: row locks, the partial unique index and the event id's
primary key keep one winner and never count anything twice."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from plant.errors import DomainError
from plant.locks import lock_plant
from scheduling.floor.downtime import mark_machine_down
from scheduling.floor.operations import (
    Actor,
    complete_operation,
    report_quantities,
    start_operation,
)
from scheduling.locks import (
    lock_machine,
    lock_machine_of_step,
    lock_order,
    lock_orders_by_ref,
    lock_step,
)
from scheduling.models import MachineState, OperationExecution, ProductionOrder, WipEvent
from staffing.locks import lock_active_operator
from tests.factories.floor import build_floor, new_id

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the DomainError raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # A call still running (a lock never released) would leave its None as a result and
    # write after the test has looked: that is a failure, not a result.
    stuck = [i for i, t in enumerate(threads) if t.is_alive()]
    assert not stuck, f"calls {stuck} still running after 30 s"
    return results


@pytest.fixture
def floor(plant):
    return build_floor(plant)


@pytest.fixture
def actor(floor, supervisor) -> Actor:
    return Actor(user=supervisor, operator=floor.operator)


def start_first_step(floor, actor) -> None:
    """The floor's order starts its first step on the first machine."""
    start_operation(
        event_id=new_id(),
        order=floor.order,
        operation=floor.steps[0],
        machine=floor.machines[0],
        actor=actor,
    )


def test_two_tablets_starting_one_operation_on_two_machines_leave_one_start(floor, actor):
    def on(machine):
        return lambda: start_operation(
            event_id=new_id(),
            order=floor.order,
            operation=floor.steps[0],
            machine=machine,
            actor=actor,
        )

    results = at_once(on(floor.machines[0]), on(floor.machines[1]))
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert OperationExecution.objects.get().status == "running"
    assert WipEvent.objects.count() == 1


def test_two_orders_starting_on_one_machine_at_once_leave_one_running(floor, actor):
    orders = [floor.order, floor.new_order()]
    results = at_once(
        *[
            (
                lambda o=o: start_operation(
                    event_id=new_id(),
                    order=o,
                    operation=floor.steps[0],
                    machine=floor.machines[0],
                    actor=actor,
                )
            )
            for o in orders
        ]
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert OperationExecution.objects.filter(status="running").count() == 1


def test_the_same_completion_sent_twice_at_once_counts_once(floor, actor):
    start_first_step(floor, actor)
    event_id = new_id()

    def complete():
        return complete_operation(
            event_id=event_id,
            order=floor.order,
            operation=floor.steps[0],
            good=Decimal(7),
            scrap=Decimal(1),
            actor=actor,
        )

    results = at_once(complete, complete, complete)
    assert not any(isinstance(r, DomainError) for r in results), results
    assert sorted(r.replayed for r in results) == [False, True, True]
    assert all(r.result == results[0].result for r in results)
    execution = OperationExecution.objects.get()
    assert (execution.good_quantity, execution.scrap_quantity) == (Decimal(7), Decimal(1))
    assert WipEvent.objects.filter(kind="complete").count() == 1


def test_two_completions_of_the_last_steps_of_one_order_mark_it_done_once(plant, supervisor):
    floor = build_floor(plant, steps=2)
    actor = Actor(user=supervisor, operator=floor.operator)
    floor.steps[1].allows_overlap = True
    floor.steps[1].save()
    for step, machine in ((0, 0), (1, 1)):
        start_operation(
            event_id=new_id(),
            order=floor.order,
            operation=floor.steps[step],
            machine=floor.machines[machine],
            actor=actor,
        )
    results = at_once(
        *[
            (
                lambda s=s: complete_operation(
                    event_id=new_id(),
                    order=floor.order,
                    operation=floor.steps[s],
                    good=Decimal(10),
                    scrap=Decimal(0),
                    actor=actor,
                )
            )
            for s in (0, 1)
        ]
    )
    assert not any(isinstance(r, DomainError) for r in results), results
    order = ProductionOrder.objects.get(pk=floor.order.pk)
    assert order.status == "done"
    assert order.completed_quantity == Decimal(10)


def test_the_same_start_sent_three_times_at_once_starts_once(floor, actor):
    event_id = new_id()

    def start():
        return start_operation(
            event_id=event_id,
            order=floor.order,
            operation=floor.steps[0],
            machine=floor.machines[0],
            actor=actor,
            expected_version=0,
        )

    results = at_once(start, start, start)
    assert not any(isinstance(r, DomainError) for r in results), results
    assert sorted(r.replayed for r in results) == [False, True, True]
    assert OperationExecution.objects.get().version == 1
    assert WipEvent.objects.count() == 1


def test_reports_from_two_tablets_at_once_both_count(floor, actor):
    start_first_step(floor, actor)

    def report():
        return report_quantities(
            event_id=new_id(),
            order=floor.order,
            operation=floor.steps[0],
            good=Decimal(2),
            scrap=Decimal(0),
            actor=actor,
        )

    results = at_once(report, report, report)
    assert not any(isinstance(r, DomainError) for r in results), results
    execution = OperationExecution.objects.get()
    assert execution.good_quantity == Decimal(6) and execution.version == 4


def test_two_tablets_marking_one_machine_down_from_the_same_version_leave_one_down_event(
    floor, actor
):
    def down():
        return mark_machine_down(
            event_id=new_id(),
            machine=floor.machines[0],
            reason=floor.breakdown,
            actor=actor,
            expected_version=0,
        )

    results = at_once(down, down)
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert WipEvent.objects.filter(kind="machine_down").count() == 1
    assert MachineState.objects.get().version == 1


def test_a_tablet_holding_any_floor_lock_never_holds_up_another_machine(floor, actor):
    """Each lock a tablet's event or an order upsert takes is held open in a transaction while
    another order starts and completes on another machine: it must not wait. (A bare FOR
    UPDATE over the plant join of a default ordering locked the plant's row, so every event
    of the plant queued behind every other, and the 50-tablet p95 tripled.)"""
    start_first_step(floor, actor)
    order, step, plant = floor.order, floor.steps[0], floor.plant
    holds: dict[str, Callable[[], Any]] = {
        "machine": lambda: lock_machine(floor.machines[0].pk),
        "machine of step": lambda: lock_machine_of_step(order.pk, step.pk),
        "step and order": lambda: lock_step(order.pk, step.pk),
        "order": lambda: lock_order(order.pk),
        "orders by ref": lambda: list(lock_orders_by_ref(plant, [order.external_ref])),
        "operator": lambda: lock_active_operator(plant.pk, floor.operator.badge),
        "plant (calendar edit)": lambda: lock_plant(plant.pk),
    }
    for name, hold in holds.items():
        other = floor.new_order()
        with holding(hold):
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            try:
                for action in (start_operation, complete_operation):
                    extra: dict[str, Any] = (
                        {"machine": floor.machines[1]}
                        if action is start_operation
                        else {"good": Decimal(1), "scrap": Decimal(0)}
                    )
                    action(event_id=new_id(), order=other, operation=step, actor=actor, **extra)
            except OperationalError as error:
                pytest.fail(f"holding the {name} lock held up another machine: {error}")
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = 0")
    assert OperationExecution.objects.filter(status="completed").count() == len(holds)


@contextmanager
def holding(lock: Callable[[], Any]) -> Iterator[None]:
    """`lock()` taken in a transaction on another connection, held until the block ends."""
    taken, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                lock()
                taken.set()
                release.wait(timeout=30)
        except BaseException as error:  # reported below, in the test's thread
            failure.append(error)
            taken.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(timeout=30)
    try:
        assert not failure, failure
        yield
    finally:
        release.set()
        thread.join(timeout=30)
