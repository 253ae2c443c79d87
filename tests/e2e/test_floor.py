"""An operator at a 10-inch tablet (1280×800): identifies with badge and PIN, starts the next
operation, completes it with good and scrap typed on the on-screen number pad, far above the
order quantity, and confirms the count when the tablet asks.

Screenshots go to $TAKT_SCREENSHOTS (else pytest's tmp_path).
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from plant.models import PlantMembership, Role
from scheduling.models import OperationExecution, WipEvent
from tests.factories.floor import OPERATOR_PIN, build_floor, publish_plan
from tests.factories.plant import PlantFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def tap_digits(dialog, digits: str) -> None:
    for digit in digits:
        dialog.locator(f".numpad-key[data-key='{digit}']").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_starts_and_completes_an_operation_on_a_tablet(
    live_server, browser, screenshots
) -> None:
    plant = PlantFactory(code="P1", name="Plant One")
    floor = build_floor(plant)
    publish_plan(floor, [floor.order, floor.new_order()])
    user = UserFactory(username="tablet")
    user.set_password("tablet-pass-1")
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.SUPERVISOR)[0])
    PlantMembership.objects.create(user=user, plant=plant)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tablet")
    page.fill("input[name=password]", "tablet-pass-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/floor/")
    page.screenshot(path=str(screenshots / "floor-1-machines.png"))
    page.get_by_text("MIL-01", exact=True).click()
    page.screenshot(path=str(screenshots / "floor-2-list.png"))

    page.get_by_role("button", name="Identify: badge + PIN").click()
    dialog = page.locator("#identify-pad")
    tap_digits(dialog, floor.operator.badge)
    dialog.locator("input[name=pin]").focus()
    tap_digits(dialog, OPERATOR_PIN)
    page.screenshot(path=str(screenshots / "floor-3-identify.png"))
    dialog.get_by_role("button", name="Identify").click()
    page.get_by_text("Hello Ada Operator").wait_for()

    row = page.locator(f"[data-testid='row-{floor.order.external_ref}-10']")
    row.get_by_role("button", name="Start").click()
    page.get_by_text(f"Started {floor.order.external_ref}/10").wait_for()
    page.screenshot(path=str(screenshots / "floor-4-running.png"))

    row = page.locator(f"[data-testid='row-{floor.order.external_ref}-10']")
    row.get_by_role("button", name="Complete").click()
    complete = row.locator("dialog[open]")
    tap_digits(complete, "97")
    complete.locator("input[name=scrap]").fill("")
    complete.locator("input[name=scrap]").focus()
    tap_digits(complete, "3")
    page.screenshot(path=str(screenshots / "floor-5-numpad.png"))
    complete.get_by_role("button", name="Complete").click()
    # 100 for an order of 10: the tablet asks before it records anything.
    confirm = page.get_by_test_id("confirm-quantity")
    confirm.wait_for()
    page.screenshot(path=str(screenshots / "floor-6-confirm.png"))
    assert OperationExecution.objects.get(order=floor.order).status == "running"
    confirm.get_by_role("button", name="Yes, record 97 good + 3 scrap").click()
    page.get_by_text(f"Completed {floor.order.external_ref}/10").wait_for()
    page.screenshot(path=str(screenshots / "floor-7-done.png"))

    execution = OperationExecution.objects.get(order=floor.order, operation=floor.steps[0])
    assert execution.status == "completed"
    assert (execution.good_quantity, execution.scrap_quantity) == (Decimal(97), Decimal(3))
    assert WipEvent.objects.filter(operator=floor.operator).count() == 2
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.floor-btn:not([disabled])')]"
        ".filter(b => b.offsetParent).map(b => b.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 56, sizes  # big touch targets
    context.close()
