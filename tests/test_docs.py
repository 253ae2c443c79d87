"""The docs a newcomer reads first name files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = re.compile(
    r"`((?:plant|scheduling|staffing|inventory|quality|templates|tests|bench|docs)/[\w/.<>-]+)`"
)


def named_paths(text: str) -> set[str]:
    """Paths in backticks, without placeholders (`<app>/tasks.py`)."""
    return {p for p in PATH.findall(text) if "<" not in p and "…" not in p}


def test_every_row_of_where_a_change_goes_names_a_file_that_exists() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text[text.index("## Where a change goes") :]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 10
    for row in rows[1:]:
        paths = named_paths(row)
        assert paths, f"names no file: {row[:80]}"
        missing = sorted(p for p in paths if not (ROOT / p.rstrip("/")).exists())
        assert not missing, f"{row[:60]}… names files that do not exist: {missing}"


def test_the_architecture_and_the_readme_name_only_files_that_exist() -> None:
    for doc in ("docs/architecture.md", "README.md", "docs/shop-floor.md", "docs/planning.md"):
        paths = named_paths((ROOT / doc).read_text())
        missing = sorted(p for p in paths if not (ROOT / p.rstrip("/")).exists())
        assert not missing, f"{doc} names files that do not exist: {missing}"
