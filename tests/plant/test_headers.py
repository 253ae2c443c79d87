"""What the browser is told about each response: a logged-in user's pages, fragments and JSON
are never stored (a shared tablet's back button, a proxy), and every page runs under a
Content-Security-Policy that allows no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.floor import build_floor, publish_plan

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def stored(response) -> bool:
    return "no-store" not in response.get("Cache-Control", "")


def test_nothing_a_logged_in_user_is_sent_is_stored(manager_client, plant) -> None:
    run = publish_plan(build_floor(plant))
    responses = {
        "page": manager_client.get("/"),
        "htmx fragment": manager_client.get("/machines/?q=MIL", HTTP_HX_REQUEST="true"),
        "alerts fragment": manager_client.get(reverse("scheduling:floor-alerts")),
        "gantt json": manager_client.get(reverse("scheduling:run-gantt", args=[run.pk])),
        "actuals json": manager_client.get(reverse("scheduling:run-actuals", args=[run.pk])),
        "api": manager_client.get("/api/v1/machines/"),
        "not found": manager_client.get("/machines/999999/"),
        "redirect": manager_client.get("/schedules/compare/"),
    }
    assert {name: r.status_code for name, r in responses.items()} == {
        "page": 200,
        "htmx fragment": 200,
        "alerts fragment": 200,
        "gantt json": 200,
        "actuals json": 200,
        "api": 200,
        "not found": 404,
        "redirect": 302,
    }
    assert [name for name, r in responses.items() if stored(r)] == []


def test_the_api_answers_a_token_with_no_store_too(erp_client) -> None:
    response = erp_client.get("/api/v1/machines/")
    assert response.status_code == 200 and not stored(response)


def test_static_files_may_be_cached_whoever_asks(manager_client) -> None:
    static = manager_client.get("/static/css/takt.css")
    assert static.status_code == 200 and stored(static)


def test_pages_allow_scripts_from_this_site_only_and_no_framing(manager_client) -> None:
    policy = manager_client.get("/")["Content-Security-Policy"]
    directives = {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }
    assert directives["default-src"] == ["'self'"]
    assert "'self'" in directives["script-src"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(directives["script-src"])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_no_template_has_an_inline_script_handler_or_javascript_link() -> None:
    """The Content-Security-Policy refuses them: each would be a dead button or chart."""
    patterns = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
        "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
        "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
    }
    found = [
        f"{path.relative_to(TEMPLATES)}: {kind}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for kind, pattern in patterns.items()
        if pattern.search(path.read_text())
    ]
    assert found == []
