"""Import pages: upload a file, preview what it would do, confirm to apply it.

The uploaded bytes are kept in the user's session under a random token between the steps,
and both the preview page and the confirm step read them again against the current data.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plant.access import access_plant, check_role
from plant.errors import NotFound, RuleViolation
from plant.imports.services import IMPORTERS, Importer, apply_import, preview_import
from plant.models import Plant
from plant.selectors import current_plant

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SESSION_PREFIX = "import:"


def _plant_for_import(
    request: HttpRequest, plant_id: Any = None, importer: Importer | None = None
) -> Plant:
    """The plant to import into (404 if not the user's), for the roles that may import the
    chosen kind, or any kind before one is chosen (403)."""
    chosen = plant_id or request.POST.get("plant") or request.GET.get("plant")
    plant = access_plant(request.user, chosen) if chosen else current_plant(request)
    if plant is None:
        raise NotFound("No such plant.")
    if importer is not None:
        check_role(request.user, importer.roles, f"import {importer.label.lower()}")
    else:
        roles = frozenset().union(*(i.roles for i in IMPORTERS.values()))
        check_role(request.user, roles, "import data")
    return plant


def _stored(request: HttpRequest, token: str) -> tuple[dict[str, Any], Plant, bytes]:
    stored = request.session.get(SESSION_PREFIX + token)
    if stored is None or stored["kind"] not in IMPORTERS:
        raise NotFound("This import has expired or was already applied. Upload the file again.")
    plant = _plant_for_import(request, stored["plant"], IMPORTERS[stored["kind"]])
    return stored, plant, base64.b64decode(stored["content"])


def _upload_error(upload: Any, kind: str) -> str | None:
    if kind not in IMPORTERS:
        return "Choose what the file contains."
    if upload is None:
        return "Choose a CSV or XLSX file."
    if upload.size > MAX_UPLOAD_BYTES:
        return "The file is larger than 2 MB: split it."
    return None


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    plant = _plant_for_import(request)
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    context = {"plant": plant, "importers": IMPORTERS.values(), "chosen": kind}
    if request.method != "POST":
        return render(request, "plant/import_start.html", context)
    upload = request.FILES.get("file")
    error = _upload_error(upload, kind)
    if error or upload is None:
        return render(request, "plant/import_start.html", {**context, "error": error}, status=400)
    _plant_for_import(request, plant.pk, IMPORTERS[kind])
    token = secrets.token_urlsafe(16)
    request.session[SESSION_PREFIX + token] = {
        "plant": plant.pk,
        "kind": kind,
        "filename": upload.name,
        "content": base64.b64encode(upload.read()).decode(),
    }
    return redirect("plant:import-preview", token=token)


@login_required
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    stored, plant, content = _stored(request, token)
    preview = preview_import(
        plant=plant, kind=stored["kind"], content=content, filename=stored["filename"]
    )
    context = {"plant": plant, "preview": preview, "token": token}
    return render(request, "plant/import_preview.html", {**context, **_labels(stored)})


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    stored, plant, content = _stored(request, token)
    args = {"plant": plant, "kind": stored["kind"], "content": content}
    try:
        preview = apply_import(**args, filename=stored["filename"])
    except RuleViolation as error:
        preview = preview_import(**args, filename=stored["filename"])
        context = {"plant": plant, "preview": preview, "token": token, "error": error}
        context.update(_labels(stored))
        return render(request, "plant/import_preview.html", context, status=error.status)
    del request.session[SESSION_PREFIX + token]
    counts = preview.counts
    messages.success(
        request,
        f"Imported {stored['filename']}: {counts['create']} created, "
        f"{counts['update']} updated, {counts['unchanged']} unchanged.",
    )
    return redirect(IMPORTERS[stored["kind"]].done_url)


def _labels(stored: dict[str, Any]) -> dict[str, str]:
    return {"kind_label": IMPORTERS[stored["kind"]].label}
