"""The import pages: upload, preview, confirm; managers only, other plants not found."""

from __future__ import annotations

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path

from plant import root_urls
from plant import urls as plant_urls
from plant.models import Item, Machine
from tests.factories.plant import ItemFactory, MachineFactory, WorkCentreFactory
from tests.snapshots import unchanged

# Until plant/urls.py includes the import pages, mount them the way the lead will.
urlpatterns = [
    *(p for p in root_urls.urlpatterns if getattr(p, "namespace", None) != "plant"),
    path(
        "",
        include(
            ([*plant_urls.urlpatterns, path("imports/", include("plant.imports.urls"))], "plant")
        ),
    ),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

ITEMS = b"code,name,kind\nGEAR,Gear,made\nBOLT,Bolt,bought\n"


def upload(client, plant, kind: str, name: str, content: bytes):
    return client.post(
        "/imports/",
        {"plant": plant.pk, "kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_a_manager_previews_then_confirms_an_items_csv(manager_client, plant) -> None:
    assert manager_client.get("/imports/").status_code == 200
    response = upload(manager_client, plant, "items", "items.csv", ITEMS)
    assert response.status_code == 302
    preview_url = response["Location"]
    page = manager_client.get(preview_url).content.decode()
    assert "GEAR" in page and "Apply the import" in page
    assert not Item.objects.exists()
    confirmed = manager_client.post(preview_url + "confirm/", follow=True)
    assert "2 created" in confirmed.content.decode()
    assert sorted(Item.objects.values_list("code", flat=True)) == ["BOLT", "GEAR"]
    with unchanged():
        assert manager_client.post(preview_url + "confirm/").status_code == 404


def test_a_preview_with_errors_lists_them_by_row_and_offers_no_confirm(
    manager_client, plant
) -> None:
    plant.code = "NW1"
    plant.save()
    WorkCentreFactory(plant=plant, code="MILL")
    ItemFactory(plant=plant, code="SHAFT")
    MachineFactory(work_centre__plant=plant, work_centre__code="LATHE", code="LAT-01")
    rows = [
        ["SHAFT", 10 * n, f"Step {n}", "MILL", "no", 0, None, "LAT-01", 0, 1.5] for n in range(1, 6)
    ]
    rows.append(["SHAFT", 60, "Mill", "MILL", "no", 0, None, "MIL-09", 0, 2])
    headers = (
        "item sequence operation work_centre can_pause min_wait max_wait machine "
        "setup_minutes run_minutes_per_unit"
    )
    content = tablib.Dataset(*rows, headers=headers.split()).export("xlsx")
    location = upload(manager_client, plant, "routings", "r.xlsx", content)["Location"]
    page = manager_client.get(location).content.decode()
    assert "row 7: machine &#x27;MIL-09&#x27; does not exist in plant NW1." in page
    assert "Apply the import" not in page
    refused = manager_client.post(location + "confirm/")
    assert refused.status_code == 422
    assert not Machine.objects.get(code="LAT-01").operations.exists()


def test_a_bad_file_is_refused_on_the_upload_page(manager_client, plant) -> None:
    response = manager_client.post("/imports/", {"plant": plant.pk, "kind": "items"})
    assert response.status_code == 400
    assert "Choose a CSV or XLSX file." in response.content.decode()


def test_a_viewer_may_not_import(client, plant, viewer) -> None:
    client.force_login(viewer)
    assert client.get("/imports/").status_code == 403
    with unchanged():
        assert upload(client, plant, "items", "items.csv", ITEMS).status_code == 403
    assert not Item.objects.exists()


def test_an_outsider_cannot_import_into_another_plant(client, plant, outsider) -> None:
    client.force_login(outsider)
    assert client.get(f"/imports/?plant={plant.pk}").status_code == 404
    with unchanged():
        assert upload(client, plant, "items", "items.csv", ITEMS).status_code == 404
    assert not Item.objects.exists()


def test_another_users_preview_token_is_not_found(client, plant, manager, outsider) -> None:
    client.force_login(manager)
    location = upload(client, plant, "items", "items.csv", ITEMS)["Location"]
    client.force_login(outsider)
    assert client.get(location).status_code == 404
    with unchanged():
        assert client.post(location + "confirm/").status_code == 404
