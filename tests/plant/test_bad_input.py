"""Hostile input gets a 4xx in the right shape, never a 500: NUL characters (PostgreSQL cannot
store or compare them) and bodies nested deeper than any real one."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/orders/?q=%00", "/dispatch/?machine=%00", "/schedules/%00/"])
def test_a_page_address_with_a_nul_character_is_refused_with_400(manager_client, url: str) -> None:
    response = manager_client.get(url)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "NUL character" in response.content.decode()


def test_a_form_with_a_nul_character_is_refused_and_saves_nothing(manager_client) -> None:
    from tests.snapshots import unchanged

    with unchanged():
        response = manager_client.post("/orders/new/", {"external_ref": "SO-\x00", "quantity": 1})
    assert response.status_code == 400 and "NUL character" in response.content.decode()


def test_the_api_refuses_nul_characters_in_json_and_in_the_address(erp_client) -> None:
    body = '{"code": "WC\\u0000", "name": "x"}'
    response = erp_client.post("/api/v1/work-centres/", body, "application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert "NUL" in response.json()["message"]
    response = erp_client.get("/api/v1/orders/?plant=%00")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("depth", [40, 100_000])
def test_the_api_refuses_a_body_nested_deeper_than_any_real_one(erp_client, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = erp_client.post("/api/v1/work-centres/", body, "application/json")
    assert response.status_code == 400, response.content
    assert response.json()["message"] == "The JSON is nested more than 32 levels deep."


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "42"])
def test_a_put_by_code_with_a_body_that_is_not_an_object_is_refused(
    erp_client, plant, body: str
) -> None:
    url = f"/api/v1/work-centres/by-code/WC-1/?plant={plant.code}"
    response = erp_client.put(url, body, "application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("cursor", ["cD1bJ2FiYyc%3D", "cD0yMDI1LXh4"])  # p=['abc', p=2025-xx
def test_a_forged_cursor_is_a_400(erp_client, plant, cursor: str) -> None:
    for url in ("/api/v1/work-centres/?", "/api/v1/runs/?", "/api/v1/completions/?plant=P1&"):
        response = erp_client.get(f"{url}cursor={cursor}")
        assert response.status_code == 400, (url, response.content)
        assert response.json()["code"] == "invalid"


def test_a_body_over_the_upload_limit_is_a_400_in_the_error_shape(erp_client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    erp_client.raise_request_exception = False
    body = '{"code": "WC", "name": "' + "x" * 5000 + '"}'
    response = erp_client.post("/api/v1/work-centres/", body, "application/json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "invalid",
        "message": "The request body is larger than 0.001 MB.",
        "detail": None,
    }
