"""A plant manager plans in the browser, with a real Celery worker solving: start a run, watch
its progress, see the Gantt, compare it with a run that adds a Saturday shift, publish one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from scheduling.models import ScheduleRun
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def plan(page, live_server, name: str, *, saturday: dt.date | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/schedules/new/")
    page.fill("input[name=name]", name)
    page.fill("input[name=time_limit_s]", "4")
    if saturday is not None:
        page.check("input[name=extra_shift_work_centres] >> nth=1")  # CNC
        page.fill("input[name=extra_shift_day]", saturday.isoformat())
    page.click("text=Start solving")
    page.wait_for_url(f"{live_server.url}/schedules/*/")


def test_a_manager_plans_compares_and_publishes(  # type: ignore[no-untyped-def]
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
    first = ScheduleRun.objects.get(name="Two shifts")
    page.wait_for_selector(f"#gantt-{first.pk} canvas", timeout=20_000)
    assert page.locator(".takt-gantt-chart canvas").count() >= 2
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
