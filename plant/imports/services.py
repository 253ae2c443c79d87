"""Importing records from a CSV or XLSX file, in two steps: items, machines and routings here,
and whatever a higher app registers (`register_importer`, e.g. production orders).

`preview_import` reads the file and reports, row by row, what would be created, updated or
left unchanged, and every row's errors; it writes nothing. `apply_import` reads the same file
again against the database as it is now and writes everything in one transaction, or nothing
if any row has an error. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from plant.access import EDIT_MASTER_DATA
from plant.errors import RuleViolation
from plant.imports.spreadsheet import (
    Row,
    assign,
    attempts,
    lookup,
    parse_bool,
    parse_choice,
    parse_decimal,
    parse_int,
    read_rows,
)
from plant.locks import lock_plant
from plant.models import Item, Machine, Plant, ProductFamily, Routing, WorkCentre
from plant.services.records import save_record, validation_detail
from plant.services.routings import (
    EligibleMachineSpec,
    OperationSpec,
    routing_errors,
    save_routing,
)


class ImportKind(models.TextChoices):
    ITEMS = "items", "Items"
    MACHINES = "machines", "Machines"
    ROUTINGS = "routings", "Routings"


class Action(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    UNCHANGED = "unchanged", "Unchanged"
    BLOCKED = "blocked", "Blocked by another row"
    ERROR = "error", "Error"


@dataclass
class RowResult:
    number: int
    key: str
    action: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    kind: str
    filename: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    writes: list[Callable[[], object]] = field(default_factory=list, repr=False)

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [
            f"row {row.number}: {message}" for row in self.rows for message in row.errors
        ]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Action.values, 0)
        for row in self.rows:
            counts[Action.ERROR if row.errors else row.action] += 1
        return counts


def record_errors(record: models.Model) -> list[str]:
    try:
        record.full_clean()
    except ValidationError as error:
        return [
            message if name == "__all__" else f"{name}: {message}"
            for name, messages in validation_detail(error).items()
            for message in messages
        ]
    return []


def repeated_keys(rows: Iterable[Row], key: Callable[[Row], str]) -> dict[int, str]:
    """Errors for rows repeating an earlier row's key, by row number."""
    first: dict[str, int] = {}
    repeated = {}
    for row in rows:
        value = key(row)
        if value and value in first:
            repeated[row.number] = f"'{value}' appears again (first on row {first[value]})."
        first.setdefault(value, row.number)
    return repeated


# --- Items and machines: one record per row, matched by code ----------------------------


def _plan_records(
    preview: ImportPreview,
    rows: list[Row],
    existing: dict[str, Any],
    new: Callable[[str], Any],
    fill: Callable[[Row, Any], list[str]],
    compared: list[str],
) -> None:
    repeated = repeated_keys(rows, lambda r: r.get("code"))
    for row in rows:
        code = row.get("code")
        result = RowResult(number=row.number, key=code, action=Action.CREATE)
        preview.rows.append(result)
        if not code or row.number in repeated:
            result.errors.append(f"code {repeated[row.number]}" if code else "code is missing.")
            continue
        record = existing.get(code) or new(code)
        before = {name: getattr(record, name) for name in compared} if record.pk else None
        result.errors += fill(row, record)
        if result.errors:
            continue
        result.errors += record_errors(record)
        if result.errors:
            continue
        if before is not None:
            changed = any(getattr(record, name) != value for name, value in before.items())
            result.action = Action.UPDATE if changed else Action.UNCHANGED
        if result.action != Action.UNCHANGED:
            preview.writes.append(partial(save_record, record=record))


def _plan_items(preview: ImportPreview, plant: Plant, rows: list[Row]) -> None:
    families = {f.code: f for f in ProductFamily.objects.filter(plant=plant)}

    def fill(row: Row, item: Item) -> list[str]:
        def family() -> None:
            if "family" in row.cells:
                code = row.get("family")
                item.family = lookup(families, code, "family", plant) if code else None

        item.name = row.get("name")
        return attempts(
            lambda: setattr(
                item, "kind", parse_choice(row.get("kind"), Item.Kind, "kind", item.kind)
            ),
            lambda: setattr(
                item, "unit", parse_choice(row.get("unit"), Item.Unit, "unit", item.unit)
            ),
            family,
        )

    _plan_records(
        preview,
        rows,
        {i.code: i for i in Item.objects.filter(plant=plant)},
        lambda code: Item(plant=plant, code=code),
        fill,
        ["name", "kind", "unit", "family_id"],
    )


def _plan_machines(preview: ImportPreview, plant: Plant, rows: list[Row]) -> None:
    centres = {w.code: w for w in WorkCentre.objects.filter(plant=plant)}

    def fill(row: Row, machine: Machine) -> list[str]:
        machine.name = row.get("name")
        status = row.get("status")
        return attempts(
            lambda: setattr(
                machine,
                "work_centre",
                lookup(centres, row.get("work_centre"), "work centre", plant),
            ),
            lambda: setattr(
                machine, "status", parse_choice(status, Machine.Status, "status", machine.status)
            ),
        )

    _plan_records(
        preview,
        rows,
        {m.code: m for m in Machine.objects.filter(plant=plant)},
        lambda code: Machine(plant=plant, code=code),
        fill,
        ["name", "work_centre_id", "status"],
    )


# --- Routings: one row per (item, operation, machine), saved whole per item --------------


@dataclass
class RoutingRow:
    row: Row
    result: RowResult
    values: dict[str, Any]


OPERATION_FIELDS = ("name", "work_centre", "can_pause", "min_wait", "max_wait")


def _parse_routing_row(row: Row, plant: Plant, known: dict[str, dict[str, Any]]) -> RoutingRow:
    values: dict[str, Any] = {"name": row.get("operation")}
    cells: dict[str, Callable[[], Any]] = {
        "item": lambda: lookup(known["items"], row.get("item"), "item", plant),
        "sequence": lambda: parse_int(row.get("sequence"), "sequence", minimum=1),
        "work_centre": lambda: lookup(
            known["centres"], row.get("work_centre"), "work centre", plant
        ),
        "machine": lambda: lookup(known["machines"], row.get("machine"), "machine", plant),
        "can_pause": lambda: parse_bool(row.get("can_pause"), "can_pause"),
        "min_wait": lambda: parse_int(row.get("min_wait"), "min_wait", default=0),
        "max_wait": lambda: parse_int(row.get("max_wait"), "max_wait"),
        "setup": lambda: parse_int(row.get("setup_minutes"), "setup_minutes", default=0),
        "run": lambda: parse_decimal(row.get("run_minutes_per_unit"), "run_minutes_per_unit"),
    }
    key = " · ".join(row.get(c) for c in ("item", "sequence", "machine"))
    result = RowResult(number=row.number, key=key, action=Action.CREATE)
    result.errors = attempts(
        *(partial(assign, values, name, parse) for name, parse in cells.items())
    )
    if values["sequence"] is None and not result.errors:
        result.errors.append("sequence is missing.")
    if not values["name"]:
        result.errors.append("operation is missing.")
    return RoutingRow(row=row, result=result, values=values)


def _routing_signature(operations: Iterable[Any]) -> tuple[Any, ...]:
    """What a routing's operations amount to, comparable between specs and saved rows."""
    return tuple(
        sorted(
            (
                op.sequence,
                op.name.strip(),
                op.work_centre.pk,
                op.can_pause,
                op.min_wait_minutes,
                op.max_wait_minutes,
                tuple(
                    sorted(
                        (m.machine.pk, m.setup_minutes, Decimal(m.run_minutes_per_unit))
                        for m in machines
                    )
                ),
            )
            for op, machines in operations
        )
    )


def _plan_routings(preview: ImportPreview, plant: Plant, rows: list[Row]) -> None:
    known = {
        "items": {i.code: i for i in Item.objects.filter(plant=plant)},
        "centres": {w.code: w for w in WorkCentre.objects.filter(plant=plant)},
        "machines": {m.code: m for m in Machine.objects.filter(plant=plant)},
    }
    existing = {
        routing.item_id: (
            routing.notes,
            _routing_signature(
                (op, list(op.eligible_machines.all())) for op in routing.operations.all()
            ),
        )
        for routing in Routing.objects.filter(item__plant=plant).prefetch_related(
            "operations__work_centre", "operations__eligible_machines__machine"
        )
    }
    groups: dict[str, list[RoutingRow]] = defaultdict(list)
    for row in rows:
        parsed = _parse_routing_row(row, plant, known)
        preview.rows.append(parsed.result)
        groups[row.get("item")].append(parsed)
    for code, entries in groups.items():
        if code in known["items"]:
            _plan_routing(preview, known["items"][code], entries, existing)


def _plan_routing(
    preview: ImportPreview,
    item: Item,
    entries: list[RoutingRow],
    existing: dict[int, tuple[str, tuple[Any, ...]]],
) -> None:
    if any(e.result.errors for e in entries):
        for entry in entries:
            if not entry.result.errors:
                entry.result.action = Action.BLOCKED
        return
    first_of: dict[int, RoutingRow] = {}
    machines: dict[int, list[EligibleMachineSpec]] = defaultdict(list)
    for entry in entries:
        v = entry.values
        first = first_of.setdefault(v["sequence"], entry)
        differs = [f for f in OPERATION_FIELDS if first.values[f] != v[f]]
        if differs:
            entry.result.errors.append(
                f"operation {v['sequence']} of {item.code} has other {', '.join(differs)} "
                f"than on row {first.row.number}."
            )
        machines[v["sequence"]].append(
            EligibleMachineSpec(
                machine=v["machine"], setup_minutes=v["setup"], run_minutes_per_unit=v["run"]
            )
        )
    specs = [
        OperationSpec(
            sequence=seq,
            name=first.values["name"],
            work_centre=first.values["work_centre"],
            can_pause=first.values["can_pause"],
            min_wait_minutes=first.values["min_wait"],
            max_wait_minutes=first.values["max_wait"],
            machines=machines[seq],
        )
        for seq, first in sorted(first_of.items())
    ]
    for key, messages in routing_errors(item, specs).items():
        target = first_of[int(key.split()[1])] if key.startswith("operation ") else entries[0]
        target.result.errors += [f"{item.code}, {key}: {m}" for m in messages]
    if any(e.result.errors for e in entries):
        return
    notes, signature = existing.get(item.pk, ("", None))
    action = Action.CREATE if signature is None else Action.UPDATE
    if signature == _routing_signature((s, s.machines) for s in specs):
        action = Action.UNCHANGED
    for entry in entries:
        entry.result.action = action
    if action != Action.UNCHANGED:
        preview.writes.append(lambda: save_routing(item=item, operations=specs, notes=notes))


Planner = Callable[[ImportPreview, Plant, list[Row]], None]


@dataclass(frozen=True)
class Importer:
    """One kind of file: its columns, the planner that turns rows into a preview and writes,
    who may import it and where the pages go once it is applied."""

    kind: str
    label: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    plan: Planner
    roles: frozenset[str] = EDIT_MASTER_DATA
    note: str = ""
    aliases: dict[str, str] = field(default_factory=dict)
    done_url: str = "plant:import-start"


IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    """Add a kind of import; a higher app calls this from its AppConfig.ready()."""
    IMPORTERS[importer.kind] = importer


MASTER_DATA_NOTE = "Matched by code; work centres, families, items and machines named by code."
register_importer(
    Importer(
        ImportKind.ITEMS,
        "Items",
        ("code", "name"),
        ("kind", "unit", "family"),
        _plan_items,
        note=MASTER_DATA_NOTE,
    )
)
register_importer(
    Importer(
        ImportKind.MACHINES,
        "Machines",
        ("code", "name", "work_centre"),
        ("status",),
        _plan_machines,
        note=MASTER_DATA_NOTE,
    )
)
register_importer(
    Importer(
        ImportKind.ROUTINGS,
        "Routings",
        ("item", "sequence", "operation", "work_centre", "machine", "run_minutes_per_unit"),
        ("can_pause", "min_wait", "max_wait", "setup_minutes"),
        _plan_routings,
        note="One row per item, operation and machine; each item's routing is replaced whole.",
    )
)


# --- The two steps ----------------------------------------------------------------------


def preview_import(*, plant: Plant, kind: str, content: bytes, filename: str) -> ImportPreview:
    """What importing this file would do, row by row, and every row's errors. Writes nothing."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise RuleViolation(f"Unknown import '{kind}'.", detail={"kind": ["Unknown kind."]})
    preview = ImportPreview(kind=kind, filename=filename)
    try:
        headers, rows = read_rows(content, filename)
    except RuleViolation as error:
        preview.file_errors.append(error.message)
        return preview
    if importer.aliases:
        headers = [importer.aliases.get(h, h) for h in headers]
        for row in rows:
            row.cells = {importer.aliases.get(k, k): v for k, v in row.cells.items()}
    preview.file_errors += [
        f"The file has no '{column}' column."
        for column in importer.required
        if column not in headers
    ]
    if not rows and not preview.file_errors:
        preview.file_errors.append("The file has no data rows.")
    if not preview.file_errors:
        importer.plan(preview, plant, rows)
    return preview


def apply_import(*, plant: Plant, kind: str, content: bytes, filename: str) -> ImportPreview:
    """Validate the file again against the current data and write all of it, or nothing.

    Locks the plant row for the whole import. Raises RuleViolation (detail: {"rows": [...]})
    if any row has an error; any error while writing rolls every row back.
    """
    with transaction.atomic(durable=True):
        lock_plant(plant.pk)
        preview = preview_import(plant=plant, kind=kind, content=content, filename=filename)
        if preview.has_errors:
            raise RuleViolation(
                f"Nothing was imported: {preview.errors[0]}"
                + (f" (and {len(preview.errors) - 1} more)" if len(preview.errors) > 1 else ""),
                detail={"rows": preview.errors},
            )
        for write in preview.writes:
            write()
    return preview
