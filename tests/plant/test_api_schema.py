"""The OpenAPI schema is valid and warning-free, for logged-in users and tokens only; its docs are
served without a CDN and without an inline script."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_a_single_warning(tmp_path: Path) -> None:
    out, err = StringIO(), StringIO()
    target = tmp_path / "schema.yml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=out, stderr=err
    )
    assert "Warning" not in err.getvalue() and "Error" not in err.getvalue(), err.getvalue()
    schema = target.read_text()
    assert "/api/v1/routings/{id}/" in schema and "/api/v1/items/{id}/bom/" in schema


def test_every_operation_has_a_summary(client, manager) -> None:
    client.force_login(manager)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("summary") or not operation.get("description")
    ]
    assert missing == []


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_everything_from_the_app_itself(client, manager, url: str) -> None:
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    external = re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", html)
    assert external == []
    assert "cdn" not in html.lower()


def test_every_operation_shows_an_example_of_what_it_takes_or_returns(client, manager) -> None:
    client.force_login(manager)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    def has_examples(part: dict) -> bool:
        return any("examples" in body for body in part.get("content", {}).values())

    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            with_body = [
                r for code, r in responses.items() if code.startswith("2") and "content" in r
            ]
            shown = [r for r in with_body if has_examples(r)]
            if has_examples(operation.get("requestBody", {})) or shown:
                continue
            # An operation with no body either way (DELETE → 204) shows its error shape.
            errors_shown = any(has_examples(r) for code, r in responses.items() if code >= "400")
            if not with_body and "requestBody" not in operation and errors_shown:
                continue
            missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_the_schema_and_its_docs_are_not_public(client) -> None:
    assert client.get("/api/schema/").status_code == 401
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_api_token_reads_the_schema(erp_client) -> None:
    response = erp_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200 and "/api/v1/orders/" in response.json()["paths"]


def test_swagger_ui_starts_from_a_script_file_not_an_inline_script(client, manager) -> None:
    client.force_login(manager)
    page = client.get("/api/docs/")
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.content.decode()) == []
    script_src = page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
