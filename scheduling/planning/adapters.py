"""The only bridge between the database and the solver's dataclasses.

Reads a run's orders, routings, machines, calendars and changeovers in a fixed number of bulk
queries, converts aware UTC datetimes to integer minutes from the horizon start (and back),
and writes a solution's assignments in one bulk insert.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from plant.calendars import Span, local_to_utc, merge, overtime_spans, working_spans
from plant.errors import RuleViolation
from plant.models import Changeover, Machine, Operation
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.planning.actuals import FloorActuals, floor_actuals
from scheduling.planning.run_settings import PRIORITY_WEIGHT, RunSettings, Scenario
from scheduling.solver import (
    Fixed,
    Job,
    Mode,
    OvertimeWindow,
    Previous,
    Problem,
    Solution,
    Window,
)
from scheduling.solver import Machine as SolverMachine
from scheduling.solver import Operation as SolverOperation
from scheduling.solver.calendars import Calendar


@dataclass
class ProblemIndex:
    """How solver ids map back to database rows, and the horizon's origin."""

    origin: dt.datetime
    orders: dict[str, ProductionOrder] = field(default_factory=dict)
    operations: dict[str, tuple[ProductionOrder, Operation]] = field(default_factory=dict)
    machines: dict[str, Machine | None] = field(default_factory=dict)
    windows: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    overtime: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    pinned: set[str] = field(default_factory=set)

    def minutes(self, moment: dt.datetime, *, up: bool = False) -> int:
        seconds = (moment - self.origin).total_seconds()
        return math.ceil(seconds / 60) if up else math.floor(seconds / 60)

    def moment(self, minutes: int) -> dt.datetime:
        return self.origin + dt.timedelta(minutes=minutes)


def operation_key(order_pk: int, operation_pk: int) -> str:
    return f"{order_pk}:{operation_pk}"


def build_problem(run: ScheduleRun) -> tuple[Problem, ProblemIndex]:
    """The solver's view of a run. Raises RuleViolation naming an order without a routing."""
    plant = run.plant
    run_settings = RunSettings.stored(run.settings)
    scenario = Scenario.parse(run.scenario)
    index = ProblemIndex(origin=run.horizon_start)
    start, end = run.horizon_start, run.horizon_end

    orders = list(run.orders.select_related("item__family").order_by("due_at", "pk"))
    if not orders:
        raise RuleViolation("The run has no orders to plan.")
    operations_by_item: dict[int, list[Operation]] = defaultdict(list)
    for op in (
        Operation.objects.filter(routing__item__in={o.item_id for o in orders})
        .select_related("routing")
        .prefetch_related("eligible_machines")
        .order_by("routing_id", "sequence")
    ):
        operations_by_item[op.routing.item_id].append(op)
    missing = [o for o in orders if not operations_by_item.get(o.item_id)]
    if missing:
        names = ", ".join(f"{o.external_ref} ({o.item.code})" for o in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise RuleViolation(
            f"These orders' items have no routing, so they cannot be scheduled: {names}{more}.",
            detail={"orders_without_routing": [o.external_ref for o in missing]},
        )

    machines = list(
        Machine.objects.filter(plant=plant).select_related("work_centre").order_by("code")
    )
    removed = set(scenario.remove_machines)
    floor = floor_actuals(plant, start) if scenario.from_shop_floor else None
    usable = [
        m
        for m in machines
        if m.code not in removed
        and (m.status == Machine.Status.AVAILABLE or (floor is not None and m.pk in floor.down))
    ]
    spans = working_spans(plant, usable, start, end)
    if floor is not None:
        _cut_down_machines(spans, floor, end)
    overtime = overtime_spans(plant, start, end) if scenario.overtime_allowed else {}
    _add_extra_shifts(plant.tz, usable, spans, scenario, start, end)
    changeovers = _changeovers(plant.pk)

    solver_machines: list[SolverMachine] = []
    copies_of: dict[str, list[str]] = defaultdict(list)
    by_code = {m.code: m for m in usable}
    for added in scenario.add_machines:
        if added.copy_of not in by_code:
            raise RuleViolation(
                f"Cannot copy machine {added.copy_of}: "
                "it is not an available machine of this plant."
            )
        if added.code in by_code or added.code in copies_of:
            raise RuleViolation(f"Machine code {added.code} is already taken.")
        copies_of[added.copy_of].append(added.code)
    for machine in usable:
        for code in [machine.code, *copies_of.get(machine.code, [])]:
            windows = [(index.minutes(s, up=True), index.minutes(e)) for s, e in spans[machine.pk]]
            windows = [(a, b) for a, b in windows if b > a]
            ot = (
                [
                    (index.minutes(s, up=True), index.minutes(e), round(cost))
                    for s, e, cost in overtime.get(machine.pk, [])
                ]
                if code == machine.code
                else []
            )
            index.machines[code] = machine if code == machine.code else None
            index.windows[code] = windows
            index.overtime[code] = [w for w in ot if w[1] > w[0]]
            solver_machines.append(
                SolverMachine(
                    id=code,
                    name=f"{code} {machine.name}"
                    if code == machine.code
                    else f"{code} (what-if copy of {machine.code})",
                    available=tuple(Window(a, b) for a, b in windows),
                    overtime=tuple(OvertimeWindow(a, b, c) for a, b, c in index.overtime[code]),
                    changeover=changeovers.get(
                        machine.pk, changeovers.get(-machine.work_centre_id, ())
                    ),
                )
            )

    code_by_pk = {m.pk: m.code for m in usable}

    def steps_of(order: ProductionOrder) -> list[Operation]:
        steps = operations_by_item[order.item_id]
        if floor is None:
            return steps
        return [op for op in steps if (order.pk, op.pk) not in floor.completed]  # done: drop out

    jobs = [_job(order, steps_of(order), copies_of, code_by_pk, index) for order in orders]
    jobs = [job for job in jobs if job.operations]
    fixed = _pins(run, scenario, index)
    fixed += _frozen(run, scenario, index, {f.operation_id for f in fixed})
    if floor is not None:
        fixed += _started(floor, index, code_by_pk, index.minutes(end))
    previous = _previous(run, index)
    problem = Problem(
        horizon=index.minutes(end),
        machines=tuple(solver_machines),
        jobs=tuple(jobs),
        fixed=tuple(fixed),
        previous=tuple(previous),
        objective=run_settings.objective(),
    )
    return problem, index


def _job(
    order: ProductionOrder,
    operations: list[Operation],
    copies_of: dict[str, list[str]],
    code_by_pk: dict[int, str],
    index: ProblemIndex,
) -> Job:
    job_id = str(order.pk)
    index.orders[job_id] = order
    solver_ops = []
    for op in operations:
        key = operation_key(order.pk, op.pk)
        index.operations[key] = (order, op)
        modes = []
        for em in op.eligible_machines.all():
            code = code_by_pk.get(em.machine_id)
            if code is None:
                continue  # removed in this scenario, or not available
            run_minutes = em.run_minutes(order.quantity)
            for candidate in [code, *copies_of.get(code, [])]:
                modes.append(
                    Mode(machine_id=candidate, duration=run_minutes, setup=em.setup_minutes)
                )
        solver_ops.append(
            SolverOperation(
                id=key,
                name=f"{op.sequence} {op.name}",
                modes=tuple(modes),
                can_pause=op.can_pause,
                min_lag_next=op.min_wait_minutes,
                max_lag_next=op.max_wait_minutes,
            )
        )
    return Job(
        id=job_id,
        name=f"Order {order.external_ref}",
        operations=tuple(solver_ops),
        release=max(0, index.minutes(order.release_at, up=True)),
        due=max(0, index.minutes(order.due_at)),
        weight=PRIORITY_WEIGHT.get(order.priority, 1),
        priority=order.priority,
        family=order.item.family.code if order.item.family else "",
    )


def _changeovers(plant_pk: int) -> dict[int, tuple[tuple[str, str, int], ...]]:
    """Changeover lists keyed by machine pk, or by -work_centre pk for work-centre-wide ones."""
    by_scope: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    rows = Changeover.objects.filter(plant_id=plant_pk).values_list(
        "machine_id", "work_centre_id", "from_family__code", "to_family__code", "minutes"
    )
    wc_rows: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for machine_id, wc_id, a, b, minutes in rows:
        if machine_id:
            by_scope[machine_id][(a, b)] = minutes
        else:
            wc_rows[wc_id][(a, b)] = minutes
    result: dict[int, tuple[tuple[str, str, int], ...]] = {
        -wc: tuple((a, b, m) for (a, b), m in sorted(pairs.items()))
        for wc, pairs in wc_rows.items()
    }
    if by_scope:
        work_centre_of = dict(
            Machine.objects.filter(pk__in=by_scope).values_list("pk", "work_centre_id")
        )
        for machine_id, pairs in by_scope.items():
            merged = {**wc_rows.get(work_centre_of[machine_id], {}), **pairs}
            result[machine_id] = tuple((a, b, m) for (a, b), m in sorted(merged.items()))
    return result


def _add_extra_shifts(
    tz: dt.tzinfo,
    machines: list[Machine],
    spans: dict[int, list[Span]],
    scenario: Scenario,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    for shift in scenario.extra_shifts:
        s = local_to_utc(dt.datetime.combine(shift.day, shift.start), tz)  # type: ignore[arg-type]
        e = local_to_utc(dt.datetime.combine(shift.day, shift.end), tz)  # type: ignore[arg-type]
        s, e = max(s, start), min(e, end)
        if e <= s:
            continue
        for machine in machines:
            if machine.work_centre.code in shift.work_centres:
                spans[machine.pk] = merge([*spans[machine.pk], (s, e)])


def _pins(run: ScheduleRun, scenario: Scenario, index: ProblemIndex) -> list[Fixed]:
    """Pinned operations become fixed: on their machine, from their start, for their duration."""
    if not scenario.pins:
        return []
    by_ref = {(o.external_ref, op.sequence): key for key, (o, op) in index.operations.items()}
    fixed = []
    for pin in scenario.pins:
        key = by_ref.get((pin.order_ref, pin.sequence))
        if key is None:
            raise RuleViolation(
                f"Pinned operation {pin.order_ref}/{pin.sequence} is not part of this run."
            )
        if pin.machine not in index.windows:
            raise RuleViolation(f"Pinned machine {pin.machine} is not available in this run.")
        order, op = index.operations[key]
        eligible = {em.machine_id: em for em in op.eligible_machines.all()}
        machine = index.machines[pin.machine]
        em = eligible.get(machine.pk) if machine else None
        if em is None:
            raise RuleViolation(
                f"Machine {pin.machine} cannot run {order.external_ref} "
                f"operation {op.sequence} {op.name}."
            )
        start = index.minutes(pin.start)
        work = em.run_minutes(order.quantity)
        end = (
            Calendar(index.windows[pin.machine]).work_end(start, work)
            if op.can_pause
            else start + work
        )
        if end is None:
            raise RuleViolation(
                f"{order.external_ref} operation {op.sequence} "
                f"does not fit on {pin.machine} from that time."
            )
        fixed.append(Fixed(operation_id=key, machine_id=pin.machine, start=start, end=end))
        index.pinned.add(key)
    return fixed


def _frozen(
    run: ScheduleRun, scenario: Scenario, index: ProblemIndex, pinned: set[str]
) -> list[Fixed]:
    """Inside the frozen horizon the base plan holds: its operations that start before
    `frozen_until` keep their machine and times."""
    if scenario.frozen_until is None or run.base_run_id is None:
        return []
    fixed = []
    for so in ScheduledOperation.objects.filter(
        run_id=run.base_run_id, setup_start__lt=scenario.frozen_until
    ).only("order_id", "operation_id", "machine_label", "start", "end"):
        key = operation_key(so.order_id, so.operation_id)
        if key in index.operations and key not in pinned and so.machine_label in index.windows:
            fixed.append(
                Fixed(
                    operation_id=key,
                    machine_id=so.machine_label,
                    start=index.minutes(so.start),
                    end=index.minutes(so.end),
                )
            )
    return fixed


def _previous(run: ScheduleRun, index: ProblemIndex) -> list[Previous]:
    if run.base_run_id is None:
        return []
    result = []
    for so in ScheduledOperation.objects.filter(run_id=run.base_run_id).only(
        "order_id", "operation_id", "machine_label", "start"
    ):
        key = operation_key(so.order_id, so.operation_id)
        if key in index.operations and so.machine_label in index.windows:
            result.append(
                Previous(
                    operation_id=key, machine_id=so.machine_label, start=index.minutes(so.start)
                )
            )
    return result


def write_solution(run: ScheduleRun, solution: Solution, index: ProblemIndex) -> int:
    """Replace the run's scheduled operations with the solution's. Returns how many."""
    ScheduledOperation.objects.filter(run=run).delete()
    rows = []
    for a in solution.assignments:
        order, op = index.operations[a.operation_id]
        rows.append(
            ScheduledOperation(
                run=run,
                order=order,
                operation=op,
                machine=index.machines.get(a.machine_id),
                machine_label=a.machine_id,
                setup_start=index.moment(a.setup_start),
                start=index.moment(a.start),
                end=index.moment(a.end),
                setup_minutes=a.setup,
                pinned=a.operation_id in index.pinned,
            )
        )
    ScheduledOperation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- Rescheduling from the shop floor (Scenario.from_shop_floor) ------------------------------


def _cut_down_machines(spans: dict[int, list[Span]], floor: FloorActuals, end: dt.datetime) -> None:
    """A machine that is down works only from its expected return (never, without one)."""
    for machine_pk, back in floor.down.items():
        if machine_pk in spans:
            spans[machine_pk] = [
                (max(s, back), e) for s, e in spans[machine_pk] if back and e > back
            ]


def _started(
    floor: FloorActuals, index: ProblemIndex, code_by_pk: dict[int, str], horizon: int
) -> list[Fixed]:
    """Started steps stay on their machine: from now (or the machine's expected return) for
    the run time they still need, at the routing's rate less what they have run so far."""
    fixed = []
    for key, (order, op) in index.operations.items():
        step = floor.started.get((order.pk, op.pk))
        code = code_by_pk.get(step.machine_id) if step else None
        if step is None or code is None:
            continue
        em = next((m for m in op.eligible_machines.all() if m.machine_id == step.machine_id), None)
        work = em.run_minutes(order.quantity) if em else 1
        remaining = max(1, math.ceil(work - step.worked_min))
        back = floor.down.get(step.machine_id)
        begin = max(0, index.minutes(back, up=True)) if back else 0
        if begin + remaining <= horizon:
            fixed.append(
                Fixed(operation_id=key, machine_id=code, start=begin, end=begin + remaining)
            )
            index.pinned.add(key)
    return fixed
