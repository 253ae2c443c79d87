"""The orders import in the browser: from the orders list, upload, preview, apply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scheduling.models import ProductionOrder
from tests.factories.plant import ItemFactory
from tests.snapshots import unchanged

pytestmark = pytest.mark.django_db

ORDERS = (
    b"external_ref,item,quantity,release_at,due_at,priority\n"
    b"SO-1,SHAFT,25,2026-12-01 06:00,2026-12-04 14:00,high\n"
    b"SO-2,SHAFT,5,2026-12-02 06:00,2026-12-05 14:00,\n"
)


@pytest.fixture
def shaft(plant):
    return ItemFactory(plant=plant, code="SHAFT")


def upload(client, plant, content: bytes = ORDERS):
    return client.post(
        reverse("plant:import-start"),
        {"plant": plant.pk, "kind": "orders", "file": SimpleUploadedFile("o.csv", content)},
    )


def test_the_orders_list_links_to_the_import_with_orders_chosen(manager_client, plant) -> None:
    page = manager_client.get(reverse("scheduling:order-list")).content.decode()
    link = f"{reverse('plant:import-start')}?plant={plant.pk}&amp;kind=orders"
    assert link in page
    start = manager_client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="orders" required checked' in start and "external_ref" in start


def test_a_manager_previews_then_applies_and_lands_on_the_orders(
    manager_client, plant, shaft
) -> None:
    preview_url = upload(manager_client, plant)["Location"]
    page = manager_client.get(preview_url).content.decode()
    assert "Production orders" in page and "2 create" in page and "Apply the import" in page
    assert not ProductionOrder.objects.exists()
    done = manager_client.post(preview_url + "confirm/")
    assert done.status_code == 302 and done["Location"] == reverse("scheduling:order-list")
    listed = manager_client.get(done["Location"]).content.decode()
    assert "Imported o.csv: 2 created, 0 updated, 0 unchanged." in listed
    assert "SO-1" in listed and "SO-2" in listed
    assert ProductionOrder.objects.get(external_ref="SO-1").priority == 3


def test_a_file_with_an_error_shows_it_by_row_and_cannot_be_applied(
    manager_client, plant, shaft
) -> None:
    bad = ORDERS + b"SO-3,SHAFT,5,2026-12-09 06:00,2026-12-05 14:00,\n"
    preview_url = upload(manager_client, plant, bad)["Location"]
    page = manager_client.get(preview_url).content.decode()
    assert "row 4: due_at &#x27;2026-12-05 14:00&#x27; must be after release_at." in page
    assert "Apply the import" not in page
    assert manager_client.post(preview_url + "confirm/").status_code == 422
    assert not ProductionOrder.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "supervisor"])
def test_viewers_and_supervisors_may_not_import_orders(
    client, plant, shaft, persona, request
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("plant:import-start") + "?kind=orders").status_code == 403
    with unchanged():
        assert upload(client, plant).status_code == 403
    assert not ProductionOrder.objects.exists()


def test_an_outsider_cannot_import_orders_or_use_a_managers_preview(
    client, plant, shaft, manager, outsider
) -> None:
    client.force_login(outsider)
    with unchanged():
        assert upload(client, plant).status_code == 404
    client.force_login(manager)
    preview_url = upload(client, plant)["Location"]
    client.force_login(outsider)
    assert client.get(preview_url).status_code == 404
    with unchanged():
        assert client.post(preview_url + "confirm/").status_code == 404
    assert not ProductionOrder.objects.exists()


def test_the_preview_page_costs_the_same_queries_for_two_rows_or_two_hundred(
    manager_client, plant, shaft, django_assert_num_queries
) -> None:
    many = (
        ORDERS.splitlines()[0]
        + b"\n"
        + b"".join(
            b"SO-%d,SHAFT,%d,2026-12-01 06:00,2026-12-04 14:00,\n" % (n, n) for n in range(1, 201)
        )
    )
    small, large = (
        upload(manager_client, plant)["Location"],
        upload(manager_client, plant, many)["Location"],
    )
    # session, user, the user's plants, the import's plant, roles, items, orders
    with django_assert_num_queries(7):
        assert "2 create" in manager_client.get(small).content.decode()
    with django_assert_num_queries(7):
        assert "200 create" in manager_client.get(large).content.decode()
