"""Reading a spreadsheet for an import: rows keyed by normalised header, cells parsed.

Cell parsers raise RowError with a message that names the column and the value, and never
touch the database; `plant.imports.services` turns the rows into a plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import openpyxl
from django.db import models

from plant.errors import RuleViolation
from plant.models import Plant

ALIASES = {
    "operation_name": "operation",
    "workcentre": "work_centre",
    "min_wait_minutes": "min_wait",
    "max_wait_minutes": "max_wait",
    "setup": "setup_minutes",
    "run_minutes": "run_minutes_per_unit",
}
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL = 2_000


class RowError(Exception):
    """One problem with one cell; the import collects it into the row's errors."""


@dataclass
class Row:
    number: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def header_key(name: Any) -> str:
    key = cell_text(name).lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def read_rows(content: bytes, filename: str) -> tuple[list[str], list[Row]]:
    """The normalised headers and the non-empty data rows. Raises RuleViolation.

    Read as a stream and bounded while reading, not after: at most MAX_ROWS rows, MAX_COLUMNS
    columns and MAX_CELL characters a cell, no NUL character (PostgreSQL cannot store one).
    A 348 KB spreadsheet of a million rows, or of one 20 MB cell, is refused in moments
    instead of taking a minute and 600 MB to preview.
    """
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".csv":
            lines = _csv_lines(content)
        elif suffix == ".xlsx":
            lines = _xlsx_lines(content)
        else:
            raise RuleViolation("Upload a .csv or .xlsx file.")
        header_line = next(lines, None)
        headers = [header_key(h) for h in (header_line or [])][:MAX_COLUMNS]
        rows = []
        for index, values in enumerate(lines, start=2):
            cells = {
                h: _bounded(cell_text(v), index, h)
                for h, v in zip(headers, values, strict=False)
                if h
            }
            if any(cells.values()):
                rows.append(Row(number=index, cells=cells))
                if len(rows) > MAX_ROWS:
                    raise RuleViolation(
                        f"The file has more than {MAX_ROWS} rows; import at most "
                        f"{MAX_ROWS} at once."
                    )
    except UnicodeDecodeError:
        raise RuleViolation("The CSV file is not UTF-8 text.") from None
    except RuleViolation:
        raise
    except Exception as error:  # csv/openpyxl raise many types for a corrupt file
        raise RuleViolation(f"The file could not be read: {error}") from None
    return headers, rows


def _bounded(text: str, row: int, column: str) -> str:
    if len(text) > MAX_CELL:
        raise RuleViolation(f"Row {row}, {column}: more than {MAX_CELL} characters in one cell.")
    if "\x00" in text:
        raise RuleViolation(f"Row {row}, {column}: the cell contains a NUL character.")
    return text


def _csv_lines(content: bytes) -> Iterator[list[str]]:
    text = content.decode("utf-8-sig")
    csv.field_size_limit(MAX_CELL + 1)
    for line in csv.reader(io.StringIO(text)):
        yield line[:MAX_COLUMNS]


def _xlsx_lines(content: bytes) -> Iterator[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(values)
    finally:
        workbook.close()


def parse_choice(value: str, choices: type[models.TextChoices], what: str, default: str) -> str:
    if not value:
        return default
    for choice_value, label in choices.choices:
        if value.lower() in (str(choice_value).lower(), str(label).lower()):
            return str(choice_value)
    allowed = ", ".join(str(v) for v in choices.values)
    raise RowError(f"{what} '{value}' is not one of {allowed}.")


def parse_int(value: str, what: str, *, default: int | None = None, minimum: int = 0) -> int | None:
    if not value:
        return default
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError):
        raise RowError(f"{what} '{value}' is not a whole number.") from None
    if number < minimum or Decimal(value) != number:
        raise RowError(f"{what} '{value}' must be a whole number of at least {minimum}.")
    return number


def parse_bool(value: str, what: str) -> bool:
    if value.lower() in ("", "0", "no", "n", "false", "f"):
        return False
    if value.lower() in ("1", "yes", "y", "true", "t", "x"):
        return True
    raise RowError(f"{what} '{value}' is not yes or no.")


def lookup(known: dict[str, Any], code: str, what: str, plant: Plant) -> Any:
    if not code:
        raise RowError(f"{what} is missing.")
    if code not in known:
        raise RowError(f"{what} '{code}' does not exist in plant {plant.code}.")
    return known[code]


def attempts(*steps: Callable[[], object]) -> list[str]:
    """Run each cell's parse; the messages of those that failed."""
    errors = []
    for step in steps:
        try:
            step()
        except RowError as error:
            errors.append(str(error))
    return errors


def assign(values: dict[str, Any], name: str, parse: Callable[[], Any]) -> None:
    values[name] = parse()


def parse_decimal(value: str, what: str) -> Decimal:
    if not value:
        raise RowError(f"{what} is missing.")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise RowError(f"{what} '{value}' is not a number.") from None
