"""Importing items, machines and routings: preview writes nothing, apply is all or nothing."""

from __future__ import annotations

import pytest
import tablib

from plant.errors import RuleViolation
from plant.imports import services as imports
from plant.imports.services import apply_import, preview_import
from plant.models import Item, Machine, OperationMachine, Routing
from tests.factories.plant import FamilyFactory, ItemFactory, MachineFactory, WorkCentreFactory

pytestmark = pytest.mark.django_db

ROUTING_HEADER = (
    "item,sequence,operation name,work_centre,can_pause,min_wait,max_wait,"
    "machine,setup_minutes,run_minutes_per_unit\n"
)


def csv(text: str) -> bytes:
    return text.encode()


def xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    data = tablib.Dataset(*rows, headers=headers)
    return bytes(data.export("xlsx"))


@pytest.fixture
def shop(plant):
    centre = WorkCentreFactory(plant=plant, code="MILL")
    MachineFactory(work_centre=centre, code="MIL-01")
    MachineFactory(work_centre=centre, code="MIL-02")
    FamilyFactory(plant=plant, code="SHAFTS")
    ItemFactory(plant=plant, code="SHAFT", name="Shaft")
    return plant


def test_an_items_preview_reports_creates_updates_unchanged_and_writes_nothing(shop) -> None:
    ItemFactory(plant=shop, code="BOLT", name="Bolt", kind="bought")
    content = csv(
        "code,name,kind,unit,family\n"
        "SHAFT,Shaft long,made,pcs,SHAFTS\n"
        "BOLT,Bolt,bought,pcs,\n"
        "GEAR,Gear,Made,pieces,\n"
    )
    preview = preview_import(plant=shop, kind="items", content=content, filename="items.csv")
    assert [(r.number, r.key, r.action) for r in preview.rows] == [
        (2, "SHAFT", "update"),
        (3, "BOLT", "unchanged"),
        (4, "GEAR", "create"),
    ]
    assert not preview.has_errors
    assert not Item.objects.filter(code="GEAR").exists()
    assert Item.objects.get(code="SHAFT").name == "Shaft"


def test_row_errors_name_the_row_the_cell_and_the_plant(shop) -> None:
    content = csv(
        "code,name,work_centre,status\n"
        "MIL-03,Third mill,MILL,available\n"
        "MIL-04,Fourth,DRILL,\n"
        "MIL-03,Again,MILL,broken\n"
    )
    preview = preview_import(plant=shop, kind="machines", content=content, filename="m.csv")
    assert preview.errors == [
        "row 3: work centre 'DRILL' does not exist in plant P1.",
        "row 4: code 'MIL-03' appears again (first on row 2).",
    ]
    with pytest.raises(RuleViolation) as raised:
        apply_import(plant=shop, kind="machines", content=content, filename="m.csv")
    assert raised.value.detail == {"rows": preview.errors}
    assert not Machine.objects.filter(code__in=["MIL-03", "MIL-04"]).exists()


def test_applying_machines_from_xlsx_creates_and_updates(shop) -> None:
    content = xlsx(
        ["Code", "Name", "Work centre", "Status"],
        [["MIL-02", "Renamed", "MILL", "down"], ["MIL-05", "Fifth", "MILL", None]],
    )
    preview = apply_import(plant=shop, kind="machines", content=content, filename="m.XLSX")
    assert preview.counts["create"] == 1 and preview.counts["update"] == 1
    assert Machine.objects.get(code="MIL-02").status == "down"
    assert Machine.objects.get(code="MIL-05").work_centre.code == "MILL"


def test_routings_are_grouped_per_item_and_saved_whole(shop) -> None:
    content = csv(
        ROUTING_HEADER + "SHAFT,10,Turn,MILL,no,0,,MIL-01,5,1.5\n"
        "SHAFT,10,Turn,MILL,no,0,,MIL-02,0,2\n"
        "SHAFT,20,Polish,MILL,yes,10,60,MIL-02,0,0.5\n"
    )
    preview = preview_import(plant=shop, kind="routings", content=content, filename="r.csv")
    assert {r.action for r in preview.rows} == {"create"} and not preview.has_errors
    apply_import(plant=shop, kind="routings", content=content, filename="r.csv")
    routing = Routing.objects.get(item__code="SHAFT")
    ops = list(routing.operations.order_by("sequence"))
    assert [(o.sequence, o.can_pause, o.max_wait_minutes) for o in ops] == [
        (10, False, None),
        (20, True, 60),
    ]
    assert sorted(ops[0].eligible_machines.values_list("machine__code", "setup_minutes")) == [
        ("MIL-01", 5),
        ("MIL-02", 0),
    ]
    again = preview_import(plant=shop, kind="routings", content=content, filename="r.csv")
    assert {r.action for r in again.rows} == {"unchanged"}


def test_a_routing_row_naming_an_unknown_machine_is_reported_and_blocks_its_item(shop) -> None:
    content = csv(
        ROUTING_HEADER + "SHAFT,10,Turn,MILL,no,0,,MIL-01,5,1.5\n"
        "SHAFT,20,Polish,MILL,no,0,,MIL-09,0,1\n"
        "SHAFT,30,Wash,MILL,no,0,,MIL-01,0,-1\n"
    )
    preview = preview_import(plant=shop, kind="routings", content=content, filename="r.csv")
    assert preview.errors == ["row 3: machine 'MIL-09' does not exist in plant P1."]
    assert [r.action for r in preview.rows] == ["blocked", "create", "blocked"]


def test_routing_rule_breaks_point_at_the_operations_first_row(shop) -> None:
    content = csv(
        ROUTING_HEADER + "SHAFT,10,Turn,MILL,no,0,,MIL-01,5,1.5\n"
        "SHAFT,20,Wash,MILL,no,30,10,MIL-01,0,1\n"
        "SHAFT,20,Rinse,MILL,no,30,10,MIL-02,0,1\n"
    )
    preview = preview_import(plant=shop, kind="routings", content=content, filename="r.csv")
    assert preview.errors == [
        "row 3: SHAFT, operation 20: The maximum wait is shorter than the minimum wait.",
        "row 4: operation 20 of SHAFT has other name than on row 3.",
    ]


def test_a_missing_column_or_unreadable_file_is_a_file_error(shop) -> None:
    missing = preview_import(plant=shop, kind="items", content=b"code\nX\n", filename="i.csv")
    assert missing.file_errors == ["The file has no 'name' column."]
    wrong = preview_import(plant=shop, kind="items", content=b"x", filename="i.txt")
    assert wrong.file_errors == ["Upload a .csv or .xlsx file."]
    broken = preview_import(plant=shop, kind="items", content=b"not a zip", filename="i.xlsx")
    assert broken.file_errors[0].startswith("The file could not be read")


def test_a_failure_while_writing_rolls_back_every_row(shop, monkeypatch) -> None:
    ItemFactory(plant=shop, code="GEAR")
    content = csv(
        ROUTING_HEADER + "GEAR,10,Cut,MILL,no,0,,MIL-01,0,1\nSHAFT,10,Turn,MILL,no,0,,MIL-01,0,1\n"
    )
    real = imports.save_routing
    calls = []

    def save_then_fail(**kwargs):
        calls.append(kwargs["item"].code)
        if len(calls) == 2:
            raise RuleViolation("The disk is full.")
        return real(**kwargs)

    monkeypatch.setattr(imports, "save_routing", save_then_fail)
    with pytest.raises(RuleViolation):
        apply_import(plant=shop, kind="routings", content=content, filename="r.csv")
    assert calls == ["GEAR", "SHAFT"]
    assert not Routing.objects.exists() and not OperationMachine.objects.exists()


def test_apply_validates_again_against_what_changed_since_the_preview(shop) -> None:
    content = csv("code,name,work_centre\nMIL-07,Seventh,MILL\nMIL-08,Eighth,LATHE\n")
    lathe = WorkCentreFactory(plant=shop, code="LATHE")
    assert not preview_import(
        plant=shop, kind="machines", content=content, filename="m.csv"
    ).has_errors
    lathe.delete()
    with pytest.raises(RuleViolation, match="row 3: work centre 'LATHE' does not exist"):
        apply_import(plant=shop, kind="machines", content=content, filename="m.csv")
    assert not Machine.objects.filter(code="MIL-07").exists()


def test_an_item_row_breaking_a_model_rule_is_reported(shop) -> None:
    content = csv("code,name,kind\nbad code!,Bad,made\nOK,Fine,sold\n")
    preview = preview_import(plant=shop, kind="items", content=content, filename="i.csv")
    assert preview.errors[0].startswith("row 2: code: Use letters, digits")
    assert preview.errors[1] == "row 3: kind 'sold' is not one of made, bought."


def bomb(rows: int, cell: str = "x") -> bytes:
    """A small .xlsx that unpacks to a great deal: many rows, or one huge cell."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["code", "name"])
    for n in range(rows):
        sheet.append([f"I-{n}", cell])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_spreadsheet_bomb_is_refused_while_it_is_read(shop) -> None:
    """Too many rows, or one cell of megabytes: refused in moments, not parsed whole."""
    import time

    many, huge = bomb(25_000), bomb(1, cell="x" * 3_000_000)
    assert len(many) < 400_000 and len(huge) < 100_000
    for content, message in ((many, "more than 20000 rows"), (huge, "more than 2000 characters")):
        started = time.monotonic()
        preview = preview_import(plant=shop, kind="items", content=content, filename="b.xlsx")
        assert message in preview.file_errors[0]
        assert time.monotonic() - started < 10


def test_a_nul_character_in_a_cell_is_a_file_error_not_a_failure_on_confirm(shop) -> None:
    content = csv("code,name\nNEW-1,Bad\x00name\n")
    preview = preview_import(plant=shop, kind="items", content=content, filename="i.csv")
    assert preview.has_errors and "NUL character" in preview.file_errors[0]
    with pytest.raises(RuleViolation):
        apply_import(plant=shop, kind="items", content=content, filename="i.csv")
    assert not Item.objects.filter(code="NEW-1").exists()
