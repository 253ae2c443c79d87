"""Creating, cancelling and publishing schedule runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from plant.integrations.audit import Actor, audit_change
from plant.models import OperationMachine, Plant
from plant.queue import enqueue
from scheduling.errors import RunInvalid, RunStateConflict
from scheduling.locks import lock_runs
from scheduling.models import ProductionOrder, ScheduleRun
from scheduling.planning.run_settings import RunSettings, Scenario
from scheduling.planning.worker import SOLVE_RUN

MAX_HORIZON_DAYS = 120


def create_run(
    *,
    plant: Plant,
    name: str,
    horizon_start: dt.datetime,
    horizon_end: dt.datetime,
    orders: list[ProductionOrder] | None = None,
    settings: RunSettings | None = None,
    scenario: dict[str, Any] | None = None,
    base_run: ScheduleRun | None = None,
    created_by: Any = None,
    audit: Actor | None = None,
) -> ScheduleRun:
    """Create a queued run and enqueue it on the `solver` queue once the row is committed.

    `orders` defaults to every open order of the plant; `settings` to the defaults. The
    scenario is validated (RunInvalid names the field) and stored normalised.
    """
    if horizon_end <= horizon_start:
        raise RunInvalid(
            "The horizon must end after it starts.", detail={"horizon_end": ["Before the start."]}
        )
    if horizon_end - horizon_start > dt.timedelta(days=MAX_HORIZON_DAYS):
        raise RunInvalid(
            f"The horizon may be at most {MAX_HORIZON_DAYS} days.",
            detail={"horizon_end": ["Too far."]},
        )
    run_settings = settings or RunSettings()
    run_scenario = Scenario.parse(scenario)
    if orders is None:
        orders = list(ProductionOrder.objects.for_plant(plant).open())
    if not orders:
        raise RunInvalid("There are no open orders to plan.", detail={"orders": ["Empty."]})
    if any(o.plant_id != plant.pk for o in orders):
        raise RunInvalid(
            "Every order must belong to the run's plant.", detail={"orders": ["Other plant."]}
        )
    if base_run is not None and base_run.plant_id != plant.pk:
        raise RunInvalid("The base run belongs to another plant.")
    if run_scenario.frozen_until is not None and base_run is None:
        # A frozen horizon freezes the plan everyone is working to: the published one.
        base_run = ScheduleRun.objects.for_plant(plant).published().first()
        if base_run is None:
            raise RunInvalid(
                "A frozen horizon needs a published schedule to freeze.",
                detail={"frozen_until": ["Nothing published."]},
            )
    with transaction.atomic(durable=True):
        run = ScheduleRun.objects.create(
            plant=plant,
            name=name.strip() or f"Run {timezone.localtime():%d %b %H:%M}",
            horizon_start=horizon_start,
            horizon_end=horizon_end,
            settings=run_settings.to_json(),
            scenario=run_scenario.to_json(),
            base_run=base_run,
            created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
            queued_at=timezone.now(),
            sent_at=timezone.now(),
        )
        run.orders.set(orders)
        enqueue(SOLVE_RUN, run.pk, run.attempt)
        after = {"status": run.status, "name": run.name, "settings": run.settings}
        audit_change(audit, run, plant=plant, action="create", before=None, after=after)
    return run


def request_cancel(*, run: ScheduleRun) -> ScheduleRun:
    """Ask a run to stop. A queued run ends at once; a running one stops cooperatively and
    keeps the best schedule found so far (its worker sees the flag within a second or two)."""
    with transaction.atomic():
        (run,) = lock_runs([run.pk])
        if not run.is_active:
            raise RunStateConflict(
                f"The run is {run.get_status_display().lower()}; there is nothing to cancel."
            )
        run.cancel_requested = True
        if run.status == ScheduleRun.Status.QUEUED:
            run.status = ScheduleRun.Status.CANCELLED
            run.finished_at = timezone.now()
        run.save(update_fields=["cancel_requested", "status", "finished_at", "updated_at"])
    return run


def publish_run(*, run: ScheduleRun, audit: Actor | None = None) -> ScheduleRun:
    """Make a succeeded run the plant's schedule; the previously published one stays as history.

    Locks both runs (pk order) so two managers publishing at once cannot both win.
    """
    with transaction.atomic(durable=True):
        current = (
            ScheduleRun.objects.filter(plant_id=run.plant_id)
            .published()
            .values_list("pk", flat=True)
        )
        locked = {r.pk: r for r in lock_runs([run.pk, *current])}
        run = locked[run.pk]
        if run.is_published:
            raise RunStateConflict("This run is already the published schedule.")
        if not run.can_publish():
            raise RunStateConflict(
                "Only a finished run with a schedule can be published; "
                f"this one is {run.get_status_display().lower()}."
            )
        ScheduleRun.objects.filter(pk__in=list(current)).update(is_published=False)
        run.is_published = True
        run.published_at = timezone.now()
        run.save(update_fields=["is_published", "published_at", "updated_at"])
        audit_change(
            audit,
            run,
            plant=run.plant,
            action="command",
            before={"is_published": False},
            after={"is_published": True},
        )
    from scheduling.hooks import announce

    announce("schedule.published", run)
    return run


def rerun_with_pin(
    *,
    run: ScheduleRun,
    order_ref: str,
    sequence: int,
    machine_code: str,
    start: dt.datetime,
    created_by: Any = None,
) -> ScheduleRun:
    """Pin one operation to a machine and time, then re-solve the rest around the pins.

    The new run copies the base run's horizon, orders, settings and scenario (keeping earlier
    pins, replacing one on the same operation) and stays close to the base run's plan.
    Raises RunInvalid at once if the machine is not in this run or cannot run the operation.
    """
    _check_pin_machine(run=run, order_ref=order_ref, sequence=sequence, machine_code=machine_code)
    scenario = Scenario.parse(run.scenario).to_json()
    pins = [p for p in scenario["pins"] if (p["order_ref"], p["sequence"]) != (order_ref, sequence)]
    pins.append(
        {
            "order_ref": order_ref,
            "sequence": sequence,
            "machine": machine_code,
            "start": start.isoformat(),
        }
    )
    scenario["pins"] = pins
    return create_run(
        plant=run.plant,
        name=f"{run.name} · pinned {order_ref}/{sequence}",
        horizon_start=run.horizon_start,
        horizon_end=run.horizon_end,
        orders=list(run.orders.all()),
        settings=RunSettings.stored(run.settings).keeping_close(),
        scenario=scenario,
        base_run=run,
        created_by=created_by,
    )


def _check_pin_machine(
    *, run: ScheduleRun, order_ref: str, sequence: int, machine_code: str
) -> None:
    """The solver would refuse the pin too, but only after the run was queued and claimed."""
    if machine_code not in run.machine_windows:
        raise RunInvalid(
            f"Machine {machine_code} is not part of this run, so nothing can be pinned to it.",
            detail={"machine": [machine_code]},
        )
    eligible = OperationMachine.objects.filter(
        machine__plant=run.plant_id,
        machine__code=machine_code,
        operation__sequence=sequence,
        operation__routing__item__production_orders__plant=run.plant_id,
        operation__routing__item__production_orders__external_ref=order_ref,
    )
    if not eligible.exists():
        raise RunInvalid(
            f"Machine {machine_code} cannot run {order_ref} operation {sequence}.",
            detail={"machine": [machine_code]},
        )
