"""The Gantt and convergence partials in headless Chromium, on a small synthetic schedule.

The partials are rendered by Django's template engine and served, with the real static files,
from a throwaway http.server (no database needed). Screenshots go to $TAKT_SCREENSHOTS (else
pytest's tmp_path) so a person can look at them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

from scheduling.bench_gantt import CHROMIUM_ARGS, STATIC, chromium_path, generate, serve

pytestmark = pytest.mark.browser

BARS = """id => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const s = chart.getModel().getSeries().find(x => x.id === "bars");
  let drawn = 0;
  s.getData().each(i => { if (s.getData().getItemGraphicEl(i)) drawn++; });
  return {raw: s.getRawData().count(), inWindow: s.getData().count(), drawn: drawn};
}"""

FIRST_BAR_CENTRE = """id => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getModel().getSeries().find(x => x.id === "bars").getData();
  const box = el.getBoundingClientRect();
  for (let i = 0; i < data.count(); i++) {
    let g = data.getItemGraphicEl(i);
    if (!g) continue;
    if (g.isGroup) g = g.childAt(0);
    const r = g.shape;
    if (r.width < 6) continue;
    return {x: box.left + r.x + r.width / 2, y: box.top + r.y + r.height / 2};
  }
  return null;
}"""


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TAKT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    if not (STATIC / "vendor" / "echarts" / "echarts.min.js").exists():
        pytest.fail("static/vendor/echarts is missing: run `npm ci && npm run build`")
    root = tmp_path / "site"
    root.mkdir()
    (root / "static").symlink_to(STATIC, target_is_directory=True)
    (root / "schedule.json").write_text(json.dumps(generate(50, 6, seed=3)), encoding="utf-8")
    points = [[0, 1840, 0], [2, 1520, 310], [5, 1190, 620], [9, 1105, 880], [14, 1090, 940]]
    body = render_to_string(
        "scheduling/_gantt.html", {"gantt_url": "schedule.json", "gantt_id": "gantt-a"}
    ) + render_to_string(
        "scheduling/_convergence.html",
        {"points_json": json.dumps(points), "convergence_id": "convergence-a"},
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="static/css/takt.css"></head>'
        f'<body><main class="page">{body}</main></body></html>'
    )
    (root / "index.html").write_text(page, encoding="utf-8")
    with serve(root) as base:
        yield base


def test_gantt_renders_both_views_and_reports_clicks(site: str, screenshots: Path) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "response",
                lambda r: (
                    r.status >= 400
                    and not r.url.endswith("/favicon.ico")
                    and errors.append(f"{r.status} {r.url}")
                ),
            )
            page.goto(site + "index.html")
            page.wait_for_function("document.getElementById('gantt-a').taktGantt")
            page.wait_for_timeout(200)

            by_machine: dict[str, Any] = page.evaluate(BARS, "gantt-a")
            assert by_machine["raw"] == 50
            assert by_machine["drawn"] > 0
            page.screenshot(path=str(screenshots / "gantt-by-machine.png"), full_page=True)

            page.evaluate(
                """() => document.getElementById('gantt-a').addEventListener(
                    'takt:operation-click', e => { window.clicked = e.detail; })"""
            )
            centre = page.evaluate(FIRST_BAR_CENTRE, "gantt-a")
            assert centre, "no bar wide enough to click"
            page.mouse.click(centre["x"], centre["y"])
            page.wait_for_function("window.clicked")
            clicked = page.evaluate("window.clicked")
            assert clicked["id"] >= 100_000
            assert clicked["info"]["order"].startswith("SO-")

            page.get_by_role("button", name="By order").click()
            page.get_by_role("button", name="Family").click()
            page.wait_for_timeout(200)
            by_order: dict[str, Any] = page.evaluate(BARS, "gantt-a")
            assert by_order["raw"] == 50
            assert by_order["drawn"] > 0
            assert page.get_by_role("button", name="Work centre").count() == 1
            page.screenshot(path=str(screenshots / "gantt-by-order.png"), full_page=True)

            series = page.evaluate(
                """() => echarts.getInstanceByDom(document.getElementById('convergence-a'))
                    .getOption().series.map(s => s.data.length)"""
            )
            assert series == [5, 5]
        finally:
            browser.close()
    assert not errors, errors
