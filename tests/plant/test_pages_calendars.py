"""Calendars (shifts, exceptions, overtime) and the changeover matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from plant.models import CalendarException, Changeover, OvertimeOffer, Shift
from plant.services.calendars import save_calendar_exception
from tests.factories.plant import (
    FamilyFactory,
    MachineFactory,
    ShiftFactory,
    ShiftPatternFactory,
    WorkCentreFactory,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_a_manager_adds_a_night_shift_that_crosses_midnight(manager_client, plant) -> None:
    pattern = ShiftPatternFactory(plant=plant)
    response = manager_client.post(
        reverse("plant:shift-create", args=[pattern.pk]),
        {
            "name": "Night",
            "weekday": "4",
            "start_time": "22:00",
            "end_time": "06:00",
            "crosses_midnight": "on",
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get(pattern=pattern)
    assert (shift.weekday, shift.start_time, shift.crosses_midnight) == (4, dt.time(22), True)


def test_a_shift_ending_before_it_starts_is_refused_and_nothing_is_saved(
    manager_client, plant
) -> None:
    pattern = ShiftPatternFactory(plant=plant)
    response = manager_client.post(
        reverse("plant:shift-create", args=[pattern.pk]),
        {"name": "Oops", "weekday": "0", "start_time": "14:00", "end_time": "06:00"},
    )
    assert response.status_code == 422
    assert "The shift ends before it starts." in response.content.decode()
    assert not Shift.objects.filter(pattern=pattern).exists()


def test_a_manager_edits_and_removes_a_shift(manager_client, plant) -> None:
    shift = ShiftFactory(pattern__plant=plant)
    manager_client.post(
        reverse("plant:shift-edit", args=[shift.pk]),
        {"name": "Early", "weekday": "1", "start_time": "05:30", "end_time": "13:30"},
    )
    shift.refresh_from_db()
    assert (shift.weekday, shift.start_time) == (1, dt.time(5, 30))
    manager_client.post(reverse("plant:shift-delete", args=[shift.pk]))
    assert not Shift.objects.filter(pk=shift.pk).exists()


def test_a_holiday_is_entered_in_plant_local_time_and_shown_in_it(manager_client, plant) -> None:
    response = manager_client.post(
        reverse("plant:exception-create"),
        {"kind": "holiday", "start": "2026-12-24T06:00", "end": "2026-12-27T00:00", "reason": "X"},
    )
    assert response.status_code == 302
    holiday = CalendarException.objects.get(plant=plant)
    # Berlin is UTC+1 in December.
    assert holiday.start == dt.datetime(2026, 12, 24, 5, tzinfo=UTC)
    page = manager_client.get(reverse("plant:calendars")).content.decode()
    assert "Thu 24 Dec 2026, 06:00 – Sun 27 Dec 2026, 00:00" in page


def test_summer_time_is_respected_when_entering_an_exception(manager_client, plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    manager_client.post(
        reverse("plant:exception-create"),
        {
            "kind": "maintenance",
            "machine": machine.pk,
            "start": "2026-07-01T06:00",
            "end": "2026-07-01T14:00",
        },
    )
    assert CalendarException.objects.get().start == dt.datetime(2026, 7, 1, 4, tzinfo=UTC)


def test_overlapping_exceptions_are_refused_with_the_clash_named(manager_client, plant) -> None:
    save_calendar_exception(
        plant=plant,
        kind="holiday",
        start=dt.datetime(2026, 12, 24, 5, tzinfo=UTC),
        end=dt.datetime(2026, 12, 25, 23, tzinfo=UTC),
    )
    response = manager_client.post(
        reverse("plant:exception-create"),
        {"kind": "extra_shift", "start": "2026-12-25T06:00", "end": "2026-12-25T14:00"},
    )
    assert response.status_code == 422
    assert "It overlaps holiday (closed)" in response.content.decode()
    assert CalendarException.objects.count() == 1


def test_maintenance_without_a_machine_is_refused_on_the_machine_field(
    manager_client, plant
) -> None:
    response = manager_client.post(
        reverse("plant:exception-create"),
        {"kind": "maintenance", "start": "2026-12-01T06:00", "end": "2026-12-01T10:00"},
    )
    assert "Required for maintenance." in response.content.decode()
    assert not CalendarException.objects.exists()


def test_an_exception_ending_before_it_starts_is_refused(manager_client, plant) -> None:
    response = manager_client.post(
        reverse("plant:exception-create"),
        {"kind": "holiday", "start": "2026-12-02T06:00", "end": "2026-12-01T06:00"},
    )
    assert "Must be after the start." in response.content.decode()
    assert not CalendarException.objects.exists()


def test_a_manager_offers_overtime_and_deletes_it(manager_client, plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    manager_client.post(
        reverse("plant:overtime-create"),
        {
            "machine": machine.pk,
            "start": "2026-11-21T06:00",
            "end": "2026-11-21T14:00",
            "cost_per_hour": "85.00",
        },
    )
    offer = OvertimeOffer.objects.get(machine=machine)
    assert offer.cost_per_hour == Decimal("85.00")
    assert offer.start == dt.datetime(2026, 11, 21, 5, tzinfo=UTC)
    manager_client.post(reverse("plant:overtime-delete", args=[offer.pk]))
    assert not OvertimeOffer.objects.exists()


def test_a_negative_overtime_cost_is_refused(manager_client, plant) -> None:
    machine = MachineFactory(work_centre__plant=plant)
    response = manager_client.post(
        reverse("plant:overtime-create"),
        {
            "machine": machine.pk,
            "start": "2026-11-21T06:00",
            "end": "2026-11-21T14:00",
            "cost_per_hour": "-1",
        },
    )
    assert "Cannot be negative." in response.content.decode()
    assert not OvertimeOffer.objects.exists()


@pytest.fixture
def grid(plant):
    return WorkCentreFactory(plant=plant), FamilyFactory(plant=plant), FamilyFactory(plant=plant)


def test_a_manager_sets_a_changeover_cell_with_htmx(manager_client, grid) -> None:
    wc, a, b = grid
    url = reverse("plant:changeover-cell", args=[wc.pk])
    data = {"from_family": a.pk, "to_family": b.pk, "minutes": "45"}
    response = manager_client.post(url, data, HTTP_HX_REQUEST="true")
    assert 'value="45"' in response.content.decode() and "<html" not in response.content.decode()
    assert Changeover.objects.get(work_centre=wc, from_family=a, to_family=b).minutes == 45
    manager_client.post(url, data | {"minutes": "50"}, HTTP_HX_REQUEST="true")
    assert Changeover.objects.get().minutes == 50
    manager_client.post(url, data | {"minutes": ""}, HTTP_HX_REQUEST="true")
    assert not Changeover.objects.exists()


def test_negative_changeover_minutes_are_refused_in_the_cell(manager_client, grid) -> None:
    wc, a, b = grid
    response = manager_client.post(
        reverse("plant:changeover-cell", args=[wc.pk]),
        {"from_family": a.pk, "to_family": b.pk, "minutes": "-10"},
        HTTP_HX_REQUEST="true",
    )
    assert "greater than or equal to 0" in response.content.decode()
    assert not Changeover.objects.exists()


def test_the_matrix_shows_families_by_families_and_a_viewer_cannot_type_in_it(
    client, viewer, grid
) -> None:
    wc, a, b = grid
    Changeover.objects.create(
        plant=wc.plant, work_centre=wc, from_family=a, to_family=b, minutes=35
    )
    client.force_login(viewer)
    page = client.get(reverse("plant:changeover-detail", args=[wc.pk])).content.decode()
    assert a.code in page and b.code in page and "35" in page
    assert 'name="minutes"' not in page


def test_a_manager_moves_a_holiday_and_an_overlap_with_another_is_still_refused(
    manager_client, plant
) -> None:
    import datetime as dt

    from django.urls import reverse

    from plant.models import CalendarException
    from plant.services.calendars import save_calendar_exception

    day = dt.datetime(2026, 12, 24, 23, tzinfo=dt.UTC)
    first = save_calendar_exception(
        plant=plant, kind="holiday", start=day, end=day + dt.timedelta(days=1)
    )
    save_calendar_exception(
        plant=plant,
        kind="holiday",
        start=day + dt.timedelta(days=7),
        end=day + dt.timedelta(days=8),
    )
    url = reverse("plant:exception-edit", args=[first.pk])
    form = {
        "kind": "holiday",
        "machine": "",
        "start": "2026-12-25T00:00",
        "end": "2026-12-27T00:00",
        "reason": "Christmas",
    }
    assert manager_client.post(url, form).status_code == 302
    first.refresh_from_db()
    assert (first.end - first.start) == dt.timedelta(days=2) and first.reason == "Christmas"
    form.update(start="2026-12-30T00:00", end="2027-01-02T00:00")
    response = manager_client.post(url, form)
    assert "overlaps holiday" in response.content.decode()
    first.refresh_from_db()
    assert first.reason == "Christmas" and CalendarException.objects.count() == 2


def test_an_overtime_offer_can_be_changed_but_not_made_negative(manager_client, plant) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.urls import reverse

    from plant.services.calendars import save_overtime_offer
    from tests.factories.plant import MachineFactory

    machine = MachineFactory(work_centre__plant=plant)
    start = dt.datetime(2026, 12, 5, 5, tzinfo=dt.UTC)
    offer = save_overtime_offer(
        machine=machine, start=start, end=start + dt.timedelta(hours=8), cost_per_hour=Decimal("80")
    )
    url = reverse("plant:overtime-edit", args=[offer.pk])
    form = {
        "machine": machine.pk,
        "start": "2026-12-05T06:00",
        "end": "2026-12-05T12:00",
        "cost_per_hour": "95",
        "note": "",
    }
    assert manager_client.post(url, form).status_code == 302
    offer.refresh_from_db()
    assert offer.cost_per_hour == Decimal("95") and offer.end - offer.start == dt.timedelta(hours=6)
    form["cost_per_hour"] = "-5"
    assert manager_client.post(url, form).status_code in (200, 422)
    offer.refresh_from_db()
    assert offer.cost_per_hour == Decimal("95")
