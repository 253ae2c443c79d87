"""Who may do what on the master-data pages, checked over every URL pattern the app has.

A new URL with a pk must be added to RECORD_KWARGS below, or the first test fails.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse

from plant import urls as plant_urls
from plant.models import BOMLine
from plant.services.calendars import save_calendar_exception, save_overtime_offer
from tests.factories.plant import (
    FamilyFactory,
    ItemFactory,
    MachineFactory,
    ShiftFactory,
    routed_item,
)
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db
UTC = dt.UTC
READ_ONLY = {"home", "calendars", "changeover-list", "changeover-detail"}


@pytest.fixture
def records(plant):
    machine = MachineFactory(work_centre__plant=plant)
    item = routed_item(plant, [machine])
    component = ItemFactory(plant=plant, kind="bought")
    line = BOMLine.objects.create(parent=item, component=component, quantity=Decimal(1))
    shift = ShiftFactory(pattern__plant=plant)
    start = dt.datetime(2026, 12, 1, 6, tzinfo=UTC)
    exception = save_calendar_exception(
        plant=plant, kind="holiday", start=start, end=start + dt.timedelta(hours=8)
    )
    offer = save_overtime_offer(
        machine=machine, start=start, end=start + dt.timedelta(hours=4), cost_per_hour=Decimal(9)
    )
    return {
        "workcentre": {"pk": machine.work_centre.pk},
        "machine": {"pk": machine.pk},
        "family": {"pk": FamilyFactory(plant=plant).pk},
        "item": {"pk": item.pk},
        "item-bom-change": {"pk": item.pk, "line_pk": line.pk},
        "item-bom-remove": {"pk": item.pk, "line_pk": line.pk},
        "item-routing-machine-row": {"pk": item.pk, "op_index": 0},
        "shiftpattern": {"pk": shift.pattern.pk},
        "shift-create": {"pk": shift.pattern.pk},
        "shift-edit": {"pk": shift.pk},
        "shift-delete": {"pk": shift.pk},
        "exception-delete": {"pk": exception.pk},
        "exception-edit": {"pk": exception.pk},
        "overtime-delete": {"pk": offer.pk},
        "overtime-edit": {"pk": offer.pk},
        "changeover": {"pk": machine.work_centre.pk},
    }


def url_names() -> list[tuple[str, bool]]:
    """Every page URL name and whether it takes arguments."""
    patterns = [p for p in plant_urls.urlpatterns if isinstance(p, URLPattern)]
    return [(str(p.name), bool(p.pattern.converters)) for p in patterns]


def kwargs_for(name: str, records: dict) -> dict:
    for key in (name, name.rsplit("-", 1)[0], name.split("-", 1)[0]):
        if key in records:
            return records[key]
    raise AssertionError(f"Add URL '{name}' to the records fixture of this test")


def test_an_outsider_gets_not_found_on_every_url_with_a_record_of_another_plant(
    client, records, outsider
) -> None:
    client.force_login(outsider)
    checked = 0
    with unchanged():
        for name, has_args in url_names():
            if not has_args:
                continue
            url = reverse(f"plant:{name}", kwargs=kwargs_for(name, records))
            assert client.post(url).status_code == 404, f"POST {url}"
            assert client.get(url).status_code in (404, 405), f"GET {url}"
            checked += 1
    assert checked >= 25


def test_a_viewer_is_forbidden_every_write_url_and_reads_every_other(
    client, records, viewer
) -> None:
    client.force_login(viewer)
    with unchanged():
        for name, has_args in url_names():
            if name == "plant-switch":
                continue
            kwargs = kwargs_for(name, records) if has_args else None
            url = reverse(f"plant:{name}", kwargs=kwargs)
            if name in READ_ONLY or name.endswith(("-list", "-detail")):
                assert client.get(url).status_code == 200, f"GET {url}"
            else:
                assert client.post(url).status_code == 403, f"POST {url}"


def test_a_supervisor_cannot_delete_a_machine_and_it_stays(client, plant, supervisor) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    client.force_login(supervisor)
    with unchanged():
        response = client.post(reverse("plant:machine-delete", args=[machine.pk]))
    assert response.status_code == 403
    assert "Your role does not allow you to change master data." in response.content.decode()
    machine.refresh_from_db()


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_page(client, records) -> None:
    for name, has_args in url_names():
        if name == "plant-switch":
            continue
        url = reverse(f"plant:{name}", kwargs=kwargs_for(name, records) if has_args else None)
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
