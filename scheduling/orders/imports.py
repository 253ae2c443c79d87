"""Importing production orders from a CSV or XLSX file, through plant's two-step import.

Registered with `plant.imports.services` in `SchedulingConfig.ready()` (plant may not import
scheduling). Orders are upserted by `external_ref` within the plant; the item is named by its
code; release and due times are read in the plant's time zone unless they carry an offset.
Preview costs two queries whatever the file's size; applying saves each changed order through
`save_order`, all in the import's one transaction.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError

from plant.imports.services import Action, Importer, ImportPreview, RowResult, repeated_keys
from plant.imports.spreadsheet import Row, RowError, assign, attempts, lookup, parse_decimal
from plant.models import Item, Plant
from plant.services.records import validation_detail
from scheduling.access import PLAN
from scheduling.models import ProductionOrder
from scheduling.orders.services import save_order

ORDER_FIELDS = ("item_id", "quantity", "release_at", "due_at", "priority")
FINAL = (ProductionOrder.Status.DONE, ProductionOrder.Status.CANCELLED)
DATETIME_HINT = "use YYYY-MM-DD HH:MM"


def parse_local_datetime(value: str, what: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """An ISO date or date and time; naive ones are wall-clock time in `tz`.

    A date alone means midnight. A wall-clock time the clocks skip (spring forward) is an
    error; one they pass twice (fall back) is its first occurrence.
    """
    if not value:
        raise RowError(f"{what} is missing.")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"{what} '{value}' is not a date and time ({DATETIME_HINT}).") from None
    if moment.tzinfo is not None:
        return moment
    aware = moment.replace(tzinfo=tz)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != moment:
        raise RowError(f"{what} '{value}' does not exist in {tz.key}: the clocks skip it.")
    return aware


def parse_priority(value: str, current: int) -> int:
    if not value:
        return current
    for number, label in ProductionOrder.Priority.choices:
        if value.lower() in (str(number), str(label).lower()):
            return int(number)
    names = ", ".join(str(label).lower() for label in ProductionOrder.Priority.labels)
    raise RowError(f"priority '{value}' is not 1 to 4 or one of {names}.")


def parse_quantity(value: str) -> Decimal:
    quantity = parse_decimal(value, "quantity")
    if not quantity.is_finite() or quantity <= 0:
        raise RowError(f"quantity '{value}' must be more than 0.")
    return quantity


def made_item(items: dict[str, Item], code: str, plant: Plant) -> Item:
    item: Item = lookup(items, code, "item", plant)
    if item.kind != Item.Kind.MADE:
        raise RowError(f"item '{code}' is bought, not made.")
    return item


def _field_errors(order: ProductionOrder) -> list[str]:
    """Field rules (lengths, digits, the reference's characters), without a query: the keys
    are unique by construction, plant and item come from the plant's own rows, and the check
    constraints were checked cell by cell."""
    try:
        order.full_clean(
            exclude=["plant", "item"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return [f"{name}: {m}" for name, ms in validation_detail(error).items() for m in ms]
    return []


def _fill(order: ProductionOrder, row: Row, items: dict[str, Item], plant: Plant) -> list[str]:
    """Set the row's values on the order; every cell's problem, each naming its column."""
    tz = plant.tz
    values: dict[str, Any] = {}
    cells: dict[str, Callable[[], Any]] = {
        "item": lambda: made_item(items, row.get("item"), plant),
        "quantity": lambda: parse_quantity(row.get("quantity")),
        "release_at": lambda: parse_local_datetime(row.get("release_at"), "release_at", tz),
        "due_at": lambda: parse_local_datetime(row.get("due_at"), "due_at", tz),
        "priority": lambda: parse_priority(row.get("priority"), order.priority),
    }
    errors = attempts(*(partial(assign, values, name, parse) for name, parse in cells.items()))
    if "release_at" in values and "due_at" in values and values["due_at"] <= values["release_at"]:
        errors.append(f"due_at '{row.get('due_at')}' must be after release_at.")
    if order.pk and order.status in FINAL:
        errors.append(f"order {order.external_ref} is {order.status}; it can no longer change.")
    for name, value in values.items():
        setattr(order, name, value)
    return errors or _field_errors(order)


def plan_orders(preview: ImportPreview, plant: Plant, rows: list[Row]) -> None:
    """One order per row, matched by external_ref; a row repeating an earlier one's
    reference is an error (which of the two should win is not ours to guess)."""
    refs = {row.get("external_ref") for row in rows} - {""}
    items = {i.code: i for i in Item.objects.filter(plant=plant).order_by()}
    existing = {
        o.external_ref: o
        for o in ProductionOrder.objects.filter(plant=plant, external_ref__in=refs).order_by()
    }
    repeated = repeated_keys(rows, lambda r: r.get("external_ref"))
    for row in rows:
        ref = row.get("external_ref")
        result = RowResult(number=row.number, key=ref, action=Action.CREATE)
        preview.rows.append(result)
        if not ref or row.number in repeated:
            result.errors.append(
                f"external_ref {repeated[row.number]}" if ref else "external_ref is missing."
            )
            continue
        order = existing.get(ref) or ProductionOrder(plant=plant, external_ref=ref)
        before = [getattr(order, name) for name in ORDER_FIELDS] if order.pk else None
        result.errors += _fill(order, row, items, plant)
        if result.errors:
            continue
        if before is not None:
            changed = before != [getattr(order, name) for name in ORDER_FIELDS]
            result.action = Action.UPDATE if changed else Action.UNCHANGED
        if result.action != Action.UNCHANGED:
            preview.writes.append(partial(save_order, order=order))


ORDER_IMPORTER = Importer(
    kind="orders",
    label="Production orders",
    required=("external_ref", "item", "quantity", "release_at", "due_at"),
    optional=("priority",),
    plan=plan_orders,
    roles=PLAN,
    note=(
        "Matched by external_ref; item by code; times in the plant's time zone "
        "(YYYY-MM-DD HH:MM); priority 1-4 or low, normal, high, rush (new orders: normal)."
    ),
    aliases={
        "order": "external_ref",
        "order_ref": "external_ref",
        "ref": "external_ref",
        "qty": "quantity",
        "release": "release_at",
        "due": "due_at",
    },
    done_url="scheduling:order-list",
)
