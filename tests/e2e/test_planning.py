"""A plant manager plans in the browser, with a real Celery worker solving: start a run, watch
its progress, see the Gantt, compare it with a run that adds a Saturday shift, publish one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from scheduling.models import ScheduledOperation, ScheduleRun
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def plan(page, live_server, name: str, *, saturday: dt.date | None = None) -> None:
    page.goto(f"{live_server.url}/schedules/new/")
    page.fill("input[name=name]", name)
    page.fill("input[name=time_limit_s]", "4")
    if saturday is not None:
        page.check("input[name=extra_shift_work_centres] >> nth=1")  # CNC
        page.fill("input[name=extra_shift_day]", saturday.isoformat())
    page.click("text=Start solving")
    page.wait_for_url(f"{live_server.url}/schedules/*/")


def test_a_manager_plans_compares_and_publishes(
    browser, live_server, demo_plant, start_worker, screenshots: Path
) -> None:
    start_worker()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server)

    plan(page, live_server, "Two shifts")
    page.wait_for_selector("text=Best objective")
    page.wait_for_selector("text=orders on time", timeout=90_000)  # the page reloads when done
    page.wait_for_selector(".takt-gantt-chart canvas", timeout=20_000)
    page.screenshot(path=str(screenshots / "planning-run.png"), full_page=True)

    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    plan(page, live_server, "With Saturday shift", saturday=saturday)
    page.wait_for_selector("text=orders on time", timeout=90_000)

    page.goto(f"{live_server.url}/schedules/")
    for box in page.query_selector_all("input[name=runs]"):
        box.check()
    page.click("text=Compare ticked runs")
    page.wait_for_selector("text=On-time orders (%)")
    # Each chart draws when its data arrives: wait for both, not for the first one. (Predicates
    # are functions: the page's CSP refuses Playwright's eval of a bare expression.)
    page.wait_for_function(
        "() => document.querySelectorAll('.takt-gantt-chart canvas').length >= 2", timeout=20_000
    )
    page.screenshot(path=str(screenshots / "planning-compare.png"), full_page=True)

    page.click("text=With Saturday shift")
    page.click("button:has-text('Publish')")
    page.wait_for_selector("text=is now the plant's schedule")
    published = ScheduleRun.objects.get(is_published=True)
    assert published.name == "With Saturday shift"
    assert published.scenario["extra_shifts"][0]["work_centres"] == ["CNC"]
    page.goto(f"{live_server.url}/dispatch/?machine=MIL-01")
    page.wait_for_selector("text=With Saturday shift")
    assert errors == []


DRAG_TO_ANOTHER_MACHINE = """async () => {
  const el = document.getElementById("gantt-main");
  const chart = echarts.getInstanceByDom(el);
  const schedule = await (await fetch(el.getAttribute("data-gantt-url"))).json();
  const labels = chart.getOption().yAxis[0].data;
  const rowOf = code => labels.findIndex(l => l === code || l.startsWith(code + " · "));
  const box = el.getBoundingClientRect();
  const data = chart.getModel().getSeries().find(x => x.id === "bars").getData();
  const inGrid = (x, y) => chart.containPixel({gridIndex: 0}, [x - box.left, y - box.top]);
  for (let i = 0; i < data.count(); i++) {
    let g = data.getItemGraphicEl(i);
    if (!g) continue;
    if (g.isGroup) g = g.childAt(0);
    const r = g.shape;
    if (r.width < 10) continue;
    const k = data.getRawIndex(i);  // the data is filtered to the zoom window
    const op = schedule.ops[k];
    const others = schedule.eligible[schedule.op_eligible[k]].filter(m => m !== op[0]);
    if (!others.length) continue;
    const target = schedule.machines[others[0]].code;
    const x = box.left + r.x + r.width / 2, y = box.top + r.y + r.height / 2;
    const to = {x: x, y: box.top + chart.convertToPixel({yAxisIndex: 0}, rowOf(target))};
    if (!inGrid(x, y) || !inGrid(to.x, to.y)) continue;
    return {from: {x, y}, to, id: op[7], machine: schedule.machines[op[0]].code, target};
  }
  return null;
}"""


def test_a_manager_drags_an_operation_to_another_machine_and_the_resolve_keeps_the_pin(
    browser, live_server, demo_plant, start_worker, screenshots: Path
) -> None:
    start_worker()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server)
    plan(page, live_server, "Before the pin")
    page.wait_for_selector("text=orders on time", timeout=90_000)
    page.wait_for_function("() => document.getElementById('gantt-main').taktGantt", timeout=20_000)
    base = ScheduleRun.objects.get(name="Before the pin")

    page.evaluate("document.getElementById('gantt-main').scrollIntoView({block: 'center'})")
    move = page.evaluate(DRAG_TO_ANOTHER_MACHINE)
    assert move, "no operation in view with another eligible machine"
    dragged = ScheduledOperation.objects.select_related("order", "operation").get(pk=move["id"])
    page.mouse.move(move["from"]["x"], move["from"]["y"])
    page.mouse.down()
    page.mouse.move(move["to"]["x"], move["to"]["y"], steps=12)
    page.screenshot(path=str(screenshots / "pin-drag.png"))
    page.mouse.up()
    dialog = page.locator("#pin-dialog")
    dialog.wait_for(state="visible")
    assert page.input_value("#pin-machine") == move["target"]
    assert f"from {move['machine']} to {move['target']}" in page.inner_text("#pin-what")
    start = page.input_value("#pin-start")  # the bar's start, in the plant's time zone
    assert start == timezone.localtime(dragged.start, demo_plant_tz()).strftime("%Y-%m-%dT%H:%M")
    page.screenshot(path=str(screenshots / "pin-confirm.png"))
    dialog.get_by_role("button", name="Pin and re-solve").click()

    page.wait_for_url(lambda url: f"/schedules/{base.pk}/" not in url)
    page.wait_for_selector("text=orders on time", timeout=90_000)
    page.wait_for_function("() => document.getElementById('gantt-main').taktGantt", timeout=20_000)
    page.screenshot(path=str(screenshots / "pin-resolved.png"), full_page=True)
    resolved = ScheduleRun.objects.exclude(pk=base.pk).get()
    assert resolved.status == ScheduleRun.Status.SUCCEEDED and resolved.base_run == base
    pinned = ScheduledOperation.objects.get(run=resolved, pinned=True)
    assert (pinned.order_id, pinned.operation_id) == (dragged.order_id, dragged.operation_id)
    assert pinned.machine_label == move["target"]
    assert pinned.start == dragged.start.replace(second=0, microsecond=0)
    gantt = page.evaluate(
        "async () => (await fetch(document.getElementById('gantt-main')"
        ".getAttribute('data-gantt-url'))).json()"
    )
    shown = [op for op in gantt["ops"] if op[7] == pinned.pk]
    assert shown and shown[0][6] == 1  # drawn as pinned
    assert errors == []


def demo_plant_tz():
    from plant.models import Plant

    return Plant.objects.get(code="NW1").tz
