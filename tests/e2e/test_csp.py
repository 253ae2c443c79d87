"""The main pages work in headless Chromium under the Content-Security-Policy: each page is
used a little (a Gantt bar clicked, a dialog opened and closed, a row added and removed, a live
run's progress swapped in by htmx) and the browser reports no console error, no page error
and no refused script or style (a CSP violation is a console error).

Screenshots go to $TAKT_SCREENSHOTS (else pytest's tmp_path) so a person can look at them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from plant.models import Item, Machine, Plant
from scheduling.floor.downtime import record_downtime
from scheduling.floor.operations import Actor
from scheduling.models import DowntimeReason, ScheduleRun
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run, publish_run
from scheduling.planning.worker import execute_run
from tests.e2e.conftest import log_in
from tests.e2e.test_gantt import FIRST_BAR_CENTRE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAVICON = "/favicon.ico"  # the site has none; the browser asks anyway
# Refused on purpose: the docs load nothing from another host, and Redoc hides its footer
# logo when the image does not load.
REFUSED_ON_PURPOSE = "https://cdn.redoc.ly/redoc/logo-mini.svg"
ECHARTS_ON = "id => !!(window.echarts && echarts.getInstanceByDom(document.getElementById(id)))"


def solved(plant: Plant, name: str) -> ScheduleRun:
    start = timezone.now().replace(second=0, microsecond=0)
    run = create_run(
        plant=plant,
        name=name,
        horizon_start=start,
        horizon_end=start + dt.timedelta(days=35),
        settings=RunSettings(time_limit_s=1, workers=1),
    )
    execute_run(run_id=run.pk, attempt=1, worker="e2e")
    run.refresh_from_db()
    assert run.has_schedule, run.error
    return run


def watch(page, problems: list[str]) -> None:
    def console(message) -> None:
        if message.type != "error" or REFUSED_ON_PURPOSE in message.text:
            return
        if not message.location["url"].endswith(FAVICON):
            problems.append(f"{page.url}: console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: page error: {error}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith(FAVICON)
            and problems.append(f"{page.url}: {r.status} {r.url}")
        ),
    )


def visit(page, url: str, ready: Callable[[], None]) -> None:
    page.goto(url)
    ready()


@pytest.fixture
def scene(demo_plant, sent_tasks):
    plant = Plant.objects.get(code="NW1")
    manager = get_user_model().objects.get(username="manager")
    published = publish_run(run=solved(plant, "Published plan"))
    other = solved(plant, "Second plan")
    live = create_run(
        plant=plant,
        name="Still solving",
        horizon_start=published.horizon_start,
        horizon_end=published.horizon_end,
    )
    ScheduleRun.objects.filter(pk=live.pk).update(
        status=ScheduleRun.Status.RUNNING, progress=[[0, 1800, 0], [1, 1500, 400]]
    )
    machine = Machine.objects.get(plant=plant, code="MIL-01")
    record_downtime(
        event_id=uuid.uuid4(),
        machine=machine,
        reason=DowntimeReason.objects.get(code="breakdown"),
        minutes=25,
        actor=Actor(manager),
    )
    return {
        "published": published,
        "other": other,
        "live": live,
        "machine": machine,
        "item": Item.objects.get(plant=plant, code="BR-100"),
    }


def test_the_main_pages_run_under_the_content_security_policy_without_a_console_error(
    live_server, browser, screenshots: Path, scene
) -> None:
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    watch(page, problems)
    log_in(page, live_server)
    url = live_server.url
    published, other, live = scene["published"], scene["other"], scene["live"]

    def run_page() -> None:
        page.wait_for_function("() => document.getElementById('gantt-main').taktGantt")
        page.wait_for_function(ECHARTS_ON, arg="convergence")
        # A click on a bar opens the pin dialog (static/js/gantt_pin.js); Close closes it.
        page.evaluate("document.getElementById('gantt-main').scrollIntoView({block: 'center'})")
        centre = page.evaluate(FIRST_BAR_CENTRE, "gantt-main")
        assert centre, "no bar wide enough to click"
        page.mouse.click(centre["x"], centre["y"])
        dialog = page.locator("#pin-dialog")
        dialog.wait_for(state="visible")
        assert page.input_value("#pin-operation") and page.inner_text("#pin-what")
        dialog.get_by_role("button", name="Close").click()
        dialog.wait_for(state="hidden")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshots / "csp-run-detail.png"), full_page=True)

    visit(page, f"{url}/schedules/{published.pk}/", run_page)
    assert page.locator(".takt-gantt-actuals-legend").is_visible()

    def live_run() -> None:
        page.wait_for_function(ECHARTS_ON, arg="convergence")
        page.evaluate(
            """() => { window.swaps = 0;
                document.body.addEventListener('htmx:afterSwap', () => window.swaps++); }"""
        )
        page.wait_for_function("() => window.swaps >= 2", timeout=10_000)
        page.wait_for_function(ECHARTS_ON, arg="convergence")  # mounted on the swapped-in one

    visit(page, f"{url}/schedules/{live.pk}/", live_run)

    visit(
        page,
        f"{url}/schedules/compare/?runs={published.pk}&runs={other.pk}",
        lambda: page.wait_for_function(
            "() => document.querySelectorAll('.takt-gantt-chart canvas').length >= 2"
        ),
    )
    visit(
        page,
        f"{url}/floor/kpis/?days=1",
        lambda: page.wait_for_function(ECHARTS_ON, arg="pareto"),
    )

    def tablet() -> None:
        page.get_by_role("button", name="Identify: badge + PIN").click()
        dialog = page.locator("#identify-pad")
        dialog.wait_for(state="visible")
        dialog.get_by_role("button", name="Cancel").click()
        dialog.wait_for(state="hidden")

    visit(page, f"{url}/floor/machines/{scene['machine'].pk}/", tablet)

    def routing() -> None:
        rows = page.locator("li.op-edit")
        before = rows.count()
        page.get_by_role("button", name="+ Add operation").click()
        page.wait_for_function(f"() => document.querySelectorAll('li.op-edit').length > {before}")
        rows.last.get_by_role("button", name="Remove operation").click()
        page.wait_for_function(f"() => document.querySelectorAll('li.op-edit').length === {before}")

    visit(page, f"{url}/items/{scene['item'].pk}/routing/", routing)
    visit(
        page,
        f"{url}/api/docs/",
        lambda: page.locator(".swagger-ui .info .title", has_text="Takt API").wait_for(),
    )
    visit(
        page,
        f"{url}/api/redoc/",
        lambda: page.get_by_text("Takt API").first.wait_for(),
    )
    context.close()
    assert problems == []


def test_the_admin_runs_under_the_content_security_policy(live_server, browser) -> None:
    get_user_model().objects.create_superuser("root", password="root-pass-1")
    problems: list[str] = []
    page = browser.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "root-pass-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/plant/plant/add/")
    page.get_by_role("button", name="Save").first.wait_for()
    assert problems == []
