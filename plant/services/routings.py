"""Routings: an item's operations and, for each, the machines that can run it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from plant.errors import InUse, RuleViolation
from plant.models import Item, Machine, Operation, OperationMachine, Routing, WorkCentre


@dataclass(frozen=True)
class EligibleMachineSpec:
    machine: Machine
    run_minutes_per_unit: Decimal
    setup_minutes: int = 0


@dataclass(frozen=True)
class OperationSpec:
    sequence: int
    name: str
    work_centre: WorkCentre
    machines: list[EligibleMachineSpec] = field(default_factory=list)
    can_pause: bool = False
    min_wait_minutes: int = 0
    max_wait_minutes: int | None = None


def routing_errors(item: Item, operations: list[OperationSpec]) -> dict[str, list[str]]:
    """Every rule the proposed routing breaks, keyed by 'operation <seq>' or 'routing'."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if item.kind != Item.Kind.MADE:
        add("routing", f"{item.code} is bought, not made: it has no routing.")
    if not operations:
        add("routing", "A routing needs at least one operation.")
    seen: set[int] = set()
    for op in operations:
        key = f"operation {op.sequence}"
        if op.sequence <= 0:
            add(key, "The sequence number must be positive.")
        if op.sequence in seen:
            add(key, f"Sequence {op.sequence} is used twice.")
        seen.add(op.sequence)
        if not op.name.strip():
            add(key, "The operation needs a name.")
        if op.work_centre.plant_id != item.plant_id:
            add(key, f"Work centre {op.work_centre.code} belongs to another plant.")
        if op.min_wait_minutes < 0:
            add(key, "The minimum wait cannot be negative.")
        if op.max_wait_minutes is not None and op.max_wait_minutes < op.min_wait_minutes:
            add(key, "The maximum wait is shorter than the minimum wait.")
        if not op.machines:
            add(key, f"Operation '{op.name}' has no eligible machine.")
        machine_ids = [m.machine.pk for m in op.machines]
        if len(set(machine_ids)) != len(machine_ids):
            add(key, "A machine is listed twice.")
        for spec in op.machines:
            if spec.machine.plant_id != item.plant_id:
                add(key, f"Machine {spec.machine.code} belongs to another plant.")
            if spec.setup_minutes < 0:
                add(key, f"Setup minutes on {spec.machine.code} cannot be negative.")
            try:
                run = Decimal(spec.run_minutes_per_unit)
            except (InvalidOperation, TypeError):
                add(key, f"Run minutes on {spec.machine.code} must be a number.")
                continue
            if run <= 0:
                add(key, f"Run minutes per unit on {spec.machine.code} must be more than zero.")
    return errors


@transaction.atomic
def save_routing(*, item: Item, operations: list[OperationSpec], notes: str = "") -> Routing:
    """Create or replace the routing of a made item, whole or not at all.

    Operations are matched by sequence number: kept ones are updated in place, missing ones
    deleted, new ones created. Raises RuleViolation (with per-operation detail) and saves
    nothing if any rule is broken.
    """
    errors = routing_errors(item, operations)
    if errors:
        first = next(iter(errors.values()))[0]
        raise RuleViolation(first, detail=errors)
    routing, _ = Routing.objects.update_or_create(item=item, defaults={"notes": notes})
    existing = {op.sequence: op for op in routing.operations.all()}
    wanted = {spec.sequence for spec in operations}
    _remove_operations(item, [o for s, o in sorted(existing.items()) if s not in wanted])
    for spec in sorted(operations, key=lambda s: s.sequence):
        op = existing.get(spec.sequence) or Operation(routing=routing, sequence=spec.sequence)
        op.name = spec.name.strip()
        op.work_centre = spec.work_centre
        op.can_pause = spec.can_pause
        op.min_wait_minutes = spec.min_wait_minutes
        op.max_wait_minutes = spec.max_wait_minutes
        op.save()
        OperationMachine.objects.filter(operation=op).delete()
        OperationMachine.objects.bulk_create(
            OperationMachine(
                operation=op,
                machine=m.machine,
                setup_minutes=m.setup_minutes,
                run_minutes_per_unit=Decimal(m.run_minutes_per_unit),
            )
            for m in spec.machines
        )
    return routing


def _remove_operations(item: Item, operations: list[Operation]) -> None:
    """Delete the steps a new routing leaves out, unless schedules or the shop floor still
    refer to them: then InUse names the steps and what uses them, and nothing is saved (an
    ERP replacing routings would otherwise meet a 500)."""
    if not operations:
        return
    try:
        with transaction.atomic():
            Operation.objects.filter(pk__in=[o.pk for o in operations]).delete()
    except (ProtectedError, RestrictedError) as error:
        used = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        users: dict[str, int] = {}
        for obj in used:
            name = str(obj._meta.verbose_name_plural)
            users[name] = users.get(name, 0) + 1
        steps = ", ".join(f"{o.sequence} {o.name}" for o in operations)
        by = ", ".join(f"{count} {name}" for name, count in sorted(users.items()))
        raise InUse(
            f"{item.code}: step {steps} cannot be removed, it is still used by {by}. Keep its "
            "sequence number (its name, machines and times may change), or finish or cancel "
            "the orders that use it first.",
            detail={"operations": [o.sequence for o in operations], "used_by": users},
        ) from None
