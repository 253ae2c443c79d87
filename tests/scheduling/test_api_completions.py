"""Completions over the ERP API: what the shop floor finished, read incrementally."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from scheduling.floor import operations
from tests.factories.floor import build_floor
from tests.factories.tokens import bearer, issue_token

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
URL = "/api/v1/completions/"


def run_step(floor, step, user, good: str) -> None:
    common = {
        "order": floor.order,
        "operation": step,
        "actor": operations.Actor(user, floor.operator),
    }
    operations.start_operation(event_id=uuid.uuid4(), machine=floor.machines[0], **common)
    operations.complete_operation(
        event_id=uuid.uuid4(), good=Decimal(good), scrap=Decimal(1), **common
    )


def test_an_erp_reads_each_completed_step_and_then_only_what_is_new(plant, manager) -> None:
    floor = build_floor(plant, steps=2, machines=1)
    erp = Client(**bearer(issue_token(plant, scope="read")))
    assert erp.get(URL, {"plant": plant.code}).json()["results"] == []

    run_step(floor, floor.steps[0], manager, "10")
    first = erp.get(URL, {"plant": plant.code}).json()["results"]
    assert [(r["operation"], r["last_step"], r["good_quantity"]) for r in first] == [
        (floor.steps[0].sequence, False, "10.000")
    ]
    assert (first[0]["machine"], first[0]["operator"]) == ("MIL-01", "1001")

    mark = (timezone.now() + dt.timedelta(milliseconds=1)).isoformat()
    run_step(floor, floor.steps[1], manager, "9")
    new = erp.get(URL, {"plant": plant.code, "updated_since": mark}).json()["results"]
    assert [(r["operation"], r["last_step"]) for r in new] == [(floor.steps[1].sequence, True)]
    mine = erp.get(URL, {"plant": plant.code, "order": "nope"}).json()["results"]
    assert mine == []


def test_a_bad_updated_since_names_the_parameter(plant) -> None:
    erp = Client(**bearer(issue_token(plant, scope="read")))
    response = erp.get(URL, {"plant": plant.code, "updated_since": "yesterday"})
    assert response.status_code == 400
    assert "updated_since" in response.json()["detail"]


def test_completions_are_listed_in_a_fixed_number_of_queries(
    plant, manager, django_assert_num_queries
) -> None:
    floor = build_floor(plant, steps=2, machines=1)
    run_step(floor, floor.steps[0], manager, "10")
    run_step(floor, floor.steps[1], manager, "9")
    erp = Client(**bearer(issue_token(plant, scope="read")))
    # the token with its user, its plants, its last use, the plant, the page
    with django_assert_num_queries(5):
        response = erp.get(URL, {"plant": plant.code})
    assert len(response.json()["results"]) == 2
