"""The Gantt and convergence partials in headless Chromium, on a small synthetic schedule.

The partials are rendered by Django's template engine and served, with the real static files
and static/js/charts.js that mounts them (base.html loads it on every page), from a throwaway
http.server (no database needed). Screenshots go to $TAKT_SCREENSHOTS (else
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

from bench.gantt import CHROMIUM_ARGS, STATIC, chromium_path, generate, serve

pytestmark = pytest.mark.browser

BARS = """id => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const s = chart.getModel().getSeries().find(x => x.id === "bars");
  let drawn = 0;
  s.getData().each(i => { if (s.getData().getItemGraphicEl(i)) drawn++; });
  return {raw: s.getRawData().count(), inWindow: s.getData().count(), drawn: drawn};
}"""

# The chart has drawn bars in the view asked for (rows of machines or of orders "SO-…").
DRAWN_IN_VIEW = (
    """([id, view]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const rows = chart && chart.getOption().yAxis[0].data;
  if (!rows || !rows.length) return false;
  if (rows.every(r => String(r).startsWith("SO-")) !== (view === "order")) return false;
  return ("""
    + BARS
    + """)(id).drawn > 0;
}"""
)

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
        '<link rel="stylesheet" href="static/css/takt.css">'
        '<script src="static/js/charts.js" defer></script></head>'
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
            page.wait_for_function(DRAWN_IN_VIEW, arg=["gantt-a", "machine"])

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
            page.wait_for_function(DRAWN_IN_VIEW, arg=["gantt-a", "order"])
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


DRAG_PLAN = """async id => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const schedule = await (await fetch("schedule.json")).json();
  const labels = chart.getOption().yAxis[0].data;
  const rowOf = code => labels.findIndex(l => l === code || l.startsWith(code + " · "));
  const box = el.getBoundingClientRect();
  const data = chart.getModel().getSeries().find(x => x.id === "bars").getData();
  const inGrid = (x, y) => chart.containPixel({gridIndex: 0}, [x - box.left, y - box.top]);
  const yOf = row => box.top + chart.convertToPixel({yAxisIndex: 0}, row);
  for (let i = 0; i < data.count(); i++) {
    let g = data.getItemGraphicEl(i);
    if (!g) continue;
    if (g.isGroup) g = g.childAt(0);
    const r = g.shape;
    if (r.width < 12) continue;
    const op = schedule.ops[data.getRawIndex(i)];  // the data is filtered to the zoom window
    const m = schedule.machines[op[0]];
    const x = box.left + r.x + r.width / 2, y = box.top + r.y + r.height / 2;
    const same = schedule.machines.find(o => o.work_centre === m.work_centre && o.code !== m.code);
    const other = schedule.machines.find(o => o.work_centre !== m.work_centre);
    if (!same || !other) continue;
    const to = {x: x + 40, y: yOf(rowOf(same.code))}, bad = {x: x, y: yOf(rowOf(other.code))};
    if (!inGrid(x, y) || !inGrid(to.x, to.y) || !inGrid(bad.x, bad.y)) continue;
    return {from: {x, y}, to, bad, machine: m.code, target: same.code, refused: other.code,
            startMs: op[3]};
  }
  return null;
}"""


@pytest.fixture
def drag_site(tmp_path: Path) -> Iterator[str]:
    """The Gantt partial as a planner sees it (editable), on a schedule whose operations may
    run on any machine of their own work centre."""
    root = tmp_path / "drag-site"
    root.mkdir()
    (root / "static").symlink_to(STATIC, target_is_directory=True)
    schedule = generate(300, 12, seed=5)
    centres = sorted({m["work_centre"] for m in schedule["machines"]})
    schedule["eligible"] = [
        [k for k, m in enumerate(schedule["machines"]) if m["work_centre"] == wc] for wc in centres
    ]
    schedule["op_eligible"] = [
        centres.index(schedule["machines"][op[0]]["work_centre"]) for op in schedule["ops"]
    ]
    (root / "schedule.json").write_text(json.dumps(schedule), encoding="utf-8")
    body = render_to_string(
        "scheduling/_gantt.html",
        {"gantt_url": "schedule.json", "gantt_id": "gantt-d", "editable": True},
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="static/css/takt.css">'
        '<script src="static/js/charts.js" defer></script></head>'
        f'<body><main class="page">{body}</main></body></html>'
    )
    (root / "index.html").write_text(page, encoding="utf-8")
    with serve(root) as base:
        yield base


def test_a_planner_drags_a_bar_onto_an_eligible_machine_and_an_ineligible_row_is_refused(
    drag_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(drag_site + "index.html")
            page.wait_for_function("document.getElementById('gantt-d').taktGantt")
            page.wait_for_function(DRAWN_IN_VIEW, arg=["gantt-d", "machine"])
            page.evaluate(
                """() => {
                  const el = document.getElementById('gantt-d');
                  window.drops = []; window.clicks = 0; window.setOptions = 0;
                  el.addEventListener('takt:operation-drop', e => window.drops.push(e.detail));
                  el.addEventListener('takt:operation-click', () => window.clicks++);
                  const chart = el.taktGantt.chart, setOption = chart.setOption;
                  chart.setOption = function () {
                    window.setOptions++;
                    return setOption.apply(chart, arguments);
                  };
                }"""
            )
            plan = page.evaluate(DRAG_PLAN, "gantt-d")
            assert plan, "no bar with another machine of its work centre in view"

            page.mouse.move(plan["from"]["x"], plan["from"]["y"])
            page.mouse.down()
            page.mouse.move(plan["to"]["x"], plan["to"]["y"], steps=10)
            label = page.locator(".takt-gantt-drag-label")
            assert label.is_visible() and label.inner_text().startswith(plan["target"] + " · ")
            assert page.locator(".takt-gantt-drag-band").count() >= 2  # the eligible rows
            page.screenshot(path=str(screenshots / "gantt-drag.png"))
            page.mouse.up()
            page.wait_for_function("window.drops.length === 1")
            drop = page.evaluate("window.drops[0]")
            assert drop["info"]["machine"] == plan["machine"]
            assert drop["target"]["machine"] == plan["target"]
            assert drop["target"]["start_ms"] % 60_000 == 0
            assert drop["target"]["start_ms"] > plan["startMs"]  # dragged 40 px to the right

            page.mouse.move(plan["from"]["x"], plan["from"]["y"])
            page.mouse.down()
            page.mouse.move(plan["bad"]["x"], plan["bad"]["y"], steps=10)
            assert "cannot run this operation" in label.inner_text()
            page.mouse.up()
            message = page.locator(".takt-gantt-drag-message")
            assert message.is_visible() and f"{plan['refused']}" in message.inner_text()
            assert "cannot run" in message.inner_text()
            page.screenshot(path=str(screenshots / "gantt-drag-refused.png"))

            page.mouse.click(plan["from"]["x"], plan["from"]["y"])  # a press without a move
            page.wait_for_function("window.clicks === 1")
            assert page.evaluate("[window.drops.length, window.setOptions]") == [1, 0]
        finally:
            browser.close()
    assert not errors, errors
