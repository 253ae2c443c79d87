"""Every scheduling ERP route hides another plant from a token: 404, or an empty list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from scheduling.floor.api_urls import urlpatterns as floor_routes
from scheduling.models import ProductionOrder
from scheduling.orders.api_urls import urlpatterns as order_routes
from scheduling.planning.api_urls import urlpatterns as planning_routes
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run
from scheduling.planning.worker import execute_run
from tests.factories.plant import PlantFactory
from tests.factories.tokens import bearer, issue_token

urlpatterns = order_routes + planning_routes + floor_routes
pytestmark = pytest.mark.django_db

# name -> (kwargs builder, {method: expected status}); lists answer 200 with nothing in them.
ROUTES = {
    "api-dispatch": (lambda run, ref: {}, {"get": 404}, "?plant=NW1&machine=MIL-02"),
    "api-order-list": (lambda run, ref: {}, {"get": 200}, "?plant=NW1"),
    "api-order-bulk": (lambda run, ref: {}, {"post": 404}, "?plant=NW1"),
    "api-order-cancel": (lambda run, ref: {"external_ref": ref}, {"post": 404}, "?plant=NW1"),
    "api-order-detail": (
        lambda run, ref: {"external_ref": ref},
        {"get": 404, "put": 404},
        "?plant=NW1",
    ),
    "api-run-list": (lambda run, ref: {}, {"get": 200, "post": 404}, "?plant=NW1"),
    "api-run-detail": (lambda run, ref: {"pk": run.pk}, {"get": 404}, ""),
    "api-run-publish": (lambda run, ref: {"pk": run.pk}, {"post": 404}, ""),
    "api-schedule": (lambda run, ref: {}, {"get": 404}, "?plant=NW1"),
    "api-completions": (lambda run, ref: {}, {"get": 404}, "?plant=NW1"),
}


def test_the_walk_covers_every_erp_route_of_scheduling() -> None:
    erp = {
        p.name
        for p in urlpatterns
        if str(p.name).startswith(("api-order", "api-run", "api-sch", "api-compl"))
    }
    assert erp and erp <= set(ROUTES)


def test_a_token_of_another_plant_finds_nothing_of_nw1_on_any_route(
    demo_plant, horizon, no_enqueue
) -> None:
    run = create_run(
        plant=demo_plant,
        name="r",
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        settings=RunSettings(time_limit_s=1, workers=1),
    )
    execute_run(run_id=run.pk, attempt=1, worker="t")
    ref = ProductionOrder.objects.filter(plant=demo_plant).first().external_ref
    client = Client(**bearer(issue_token(PlantFactory(code="PX"), username="other")))
    body = {
        "plant": "NW1",
        "horizon_start": horizon[0].isoformat(),
        "horizon_end": horizon[1].isoformat(),
    }
    for name, (kwargs, methods, query) in ROUTES.items():
        url = reverse(name, kwargs=kwargs(run, ref)) + query
        for method, expected in methods.items():
            response = client.generic(method.upper(), url, _json(body), "application/json")
            assert response.status_code == expected, (name, method, response.content)
            if expected == 200:
                assert response.json()["results"] == [], name
            else:
                assert response.json()["code"] == "not_found", name


def _json(body: dict) -> str:
    import json

    return json.dumps(body)
