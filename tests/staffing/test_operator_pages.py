"""The managers' operator pages and the admin: list, create, edit, deactivate, PIN, unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from staffing.models import Operator
from staffing.services import identify_operator, save_operator
from tests.factories.plant import UserFactory
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def kim(plant) -> Operator:
    return save_operator(plant=plant, badge="77", name="Kim", pin="246810")


def test_the_list_shows_the_plants_operators_in_a_fixed_number_of_queries(
    manager_client, plant, kim, django_assert_num_queries
):
    with django_assert_num_queries(5):
        manager_client.get(reverse("staffing:operator-list"))
    for n in range(5):
        save_operator(plant=plant, badge=f"8{n}", name=f"Lou {n}", pin="1234")
    with django_assert_num_queries(5):
        page = manager_client.get(reverse("staffing:operator-list")).content.decode()
    assert "Kim" in page and "Lou 4" in page and "246810" not in page


def test_a_manager_creates_an_operator_who_can_then_identify(manager_client, plant):
    response = manager_client.post(
        reverse("staffing:operator-create"), {"badge": "55", "name": "Noor", "pin": "8642"}
    )
    assert response.status_code == 302
    assert identify_operator(plant=plant, badge="55", pin="8642").name == "Noor"


def test_a_badge_that_is_taken_is_refused_with_a_message(manager_client, kim):
    response = manager_client.post(
        reverse("staffing:operator-create"), {"badge": "77", "name": "Other", "pin": "8642"}
    )
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert Operator.objects.get(badge="77").name == "Kim"


def test_a_manager_renames_and_deactivates_an_operator(manager_client, kim):
    url = reverse("staffing:operator-edit", args=[kim.pk])
    assert manager_client.post(url, {"name": "Kim Park"}).status_code == 302
    kim.refresh_from_db()
    assert kim.name == "Kim Park" and not kim.is_active


def test_a_manager_sets_a_new_pin_and_a_short_one_is_refused(manager_client, plant, kim):
    url = reverse("staffing:operator-pin", args=[kim.pk])
    manager_client.post(url, {"pin": "12"})
    assert identify_operator(plant=plant, badge="77", pin="246810") == kim
    manager_client.post(url, {"pin": "9753"})
    assert identify_operator(plant=plant, badge="77", pin="9753") == kim


@pytest.mark.clock
def test_a_manager_unlocks_a_locked_badge(manager_client, plant, kim):
    from django.utils import timezone

    # Locked for a year from today (replace(year=…) fails on a 29 February).
    locked_until = timezone.now() + dt.timedelta(days=365)
    Operator.objects.filter(pk=kim.pk).update(locked_until=locked_until)
    assert "Locked until" in manager_client.get(reverse("staffing:operator-list")).content.decode()
    manager_client.post(reverse("staffing:operator-unlock", args=[kim.pk]))
    assert identify_operator(plant=plant, badge="77", pin="246810") == kim


def test_a_supervisor_sees_the_list_but_cannot_change_anyone(client, supervisor, kim):
    client.force_login(supervisor)
    assert client.get(reverse("staffing:operator-list")).status_code == 200
    with unchanged():
        edit = client.post(reverse("staffing:operator-edit", args=[kim.pk]), {"name": "X"})
        pin = client.post(reverse("staffing:operator-pin", args=[kim.pk]), {"pin": "1111"})
    assert (edit.status_code, pin.status_code) == (403, 403)
    kim.refresh_from_db()
    assert kim.name == "Kim"


def test_an_outsider_cannot_reach_another_plants_operator(outsider_client, kim):
    response = outsider_client.get(reverse("staffing:operator-edit", args=[kim.pk]))
    assert response.status_code == 404
    writes = {
        "operator-edit": {"name": "X"},
        "operator-pin": {"pin": "1111"},
        "operator-unlock": {},
    }
    with unchanged():
        for name, data in writes.items():
            url = reverse(f"staffing:{name}", args=[kim.pk])
            assert outsider_client.post(url, data).status_code == 404, name


def test_the_admin_sets_a_pin_and_never_shows_it(client, plant, kim):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:staffing_operator_change", args=[kim.pk])
    form = {"plant": plant.pk, "badge": "77", "name": "Kim", "is_active": "on", "pin": "4455"}
    assert client.post(url, form).status_code == 302
    assert identify_operator(plant=plant, badge="77", pin="4455") == kim
    assert kim.pin_hash not in client.get(url).content.decode()
