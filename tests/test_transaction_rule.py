"""The transaction rule (docs/architecture.md, "Transactions"): services open the operation's
transaction; doors (pages, API views) never do."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("plant", "scheduling", "staffing", "inventory", "quality")


def doors() -> list[Path]:
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or "/solver/" in name:
                continue
            if (
                path.stem.startswith(("views", "api"))
                or "/api/" in name
                or path.stem == "completions"
            ):
                found.append(path)
    return found


def test_no_page_or_api_view_opens_a_transaction() -> None:
    found = doors()
    assert len(found) > 15
    opening = [
        p.relative_to(ROOT).as_posix() for p in found if "transaction.atomic" in p.read_text()
    ]
    assert not opening, f"doors that open a transaction (a service should): {opening}"
