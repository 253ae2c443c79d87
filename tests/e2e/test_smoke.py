"""A browser walks the demo plant as its manager, on a desktop and on a 10-inch tablet.

Screenshots go to $TAKT_SCREENSHOTS (else pytest's tmp_path) so a person can look at them.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from plant.models import Item
from tests.e2e.conftest import log_in

# Playwright's sync API runs an event loop; Django's ORM refuses to run inside one otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

VIEWPORTS = {
    "desktop": {"width": 1440, "height": 900},
    "tablet-landscape": {"width": 1280, "height": 800},
    "tablet-portrait": {"width": 800, "height": 1280},
}


def assert_no_horizontal_overflow(page, label: str) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{label}: the page is {widths[0]}px wide in {widths[1]}px"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_walks_the_demo_plant_on_desktop_and_tablet(
    live_server, browser, screenshots, demo_plant
) -> None:
    item = Item.objects.get(plant__code="NW1", code="SH-210")
    pages = [
        ("home", "/", "Nordwerk Metal Parts"),
        ("machines", "/machines/", "FUR-01"),
        ("item", f"/items/{item.pk}/", "Cylindrical grind"),
        ("routing", f"/items/{item.pk}/routing/", "Save routing"),
        ("changeovers", "/changeovers/", "Heat treatment"),
        ("calendars", "/calendars/", "Annual furnace inspection"),
    ]
    for viewport_name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, live_server)
        for name, path, expected in pages:
            page.goto(f"{live_server.url}{path}")
            assert page.get_by_text(expected).first.is_visible(), f"{name} @ {viewport_name}"
            assert page.locator("nav.mainnav").is_visible()
            page.screenshot(path=str(screenshots / f"{viewport_name}-{name}.png"), full_page=True)
            assert_no_horizontal_overflow(page, f"{name} @ {viewport_name}")
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_adds_an_operation_row_and_filters_machines_with_htmx(
    live_server, browser, screenshots, demo_plant
) -> None:
    item = Item.objects.get(plant__code="NW1", code="BR-100")
    context = browser.new_context(viewport=VIEWPORTS["tablet-landscape"])
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/machines/")
    page.fill("input[name=q]", "furnace")
    page.wait_for_function("() => !document.body.innerText.includes('SAW-01')")
    assert page.get_by_text("FUR-01").first.is_visible()
    page.goto(f"{live_server.url}/items/{item.pk}/routing/")
    before = page.locator("li.op-edit").count()
    page.get_by_role("button", name="+ Add operation").click()
    page.wait_for_function(f"() => document.querySelectorAll('li.op-edit').length > {before}")
    page.screenshot(path=str(screenshots / "tablet-landscape-routing-added.png"), full_page=True)
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_main_navigation_fits_one_row_and_its_groups_lead_to_their_pages(
    live_server, browser, screenshots, demo_plant
) -> None:
    for viewport_name in ("tablet-landscape", "tablet-portrait"):
        context = browser.new_context(viewport=VIEWPORTS[viewport_name])
        page = context.new_page()
        log_in(page, live_server)
        nav = page.locator("nav.mainnav")
        entries = nav.locator(":scope > a, :scope > details > summary")
        tops = {round(entries.nth(i).bounding_box()["y"]) for i in range(entries.count())}
        assert len(tops) == 1, f"the navigation wraps at {viewport_name}: rows at {tops}"
        nav.get_by_text("Planning").click()
        orders = nav.get_by_role("link", name="Orders")
        assert orders.is_visible() and not nav.get_by_text("Operators").is_visible()
        page.screenshot(path=str(screenshots / f"{viewport_name}-nav-planning.png"))
        nav.get_by_text("Shop floor").click()  # opening one group closes the other
        expect(orders).to_be_hidden()
        expect(nav.get_by_text("Operators")).to_be_visible()
        page.keyboard.press("Escape")
        expect(nav.get_by_text("Operators")).to_be_hidden()
        nav.get_by_text("Planning").click()
        orders.click()
        page.wait_for_url("**/orders/**")
        summary = nav.locator("summary", has_text="Planning")
        assert "current" in (summary.get_attribute("class") or "")
        assert_no_horizontal_overflow(page, f"orders @ {viewport_name}")
        context.close()
