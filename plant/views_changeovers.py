"""Changeover matrices: minutes between product families, one grid per work centre."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plant import forms, selectors
from plant.access import access_record
from plant.errors import RuleViolation
from plant.models import Changeover, WorkCentre
from plant.selectors import require_plant
from plant.services.records import delete_record, save_record


@login_required
def changeover_list(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    rows = selectors.work_centre_rows(plant).annotate(
        changeover_count=Count("changeovers", distinct=True)
    )
    return render(request, "plant/changeover_list.html", {"rows": rows})


@login_required
def changeover_grid(request: HttpRequest, pk: int) -> HttpResponse:
    work_centre = access_record(request.user, WorkCentre.objects.all(), pk)
    context = {"work_centre": work_centre, **selectors.changeover_grid(work_centre)}
    return render(request, "plant/changeover_grid.html", context)


def _save_cell(work_centre: WorkCentre, form: forms.ChangeoverCellForm) -> Changeover | None:
    """Set one cell: a number saves it, an empty cell removes the entry."""
    data = form.cleaned_data
    entry = selectors.changeover_at(work_centre, data["from_family"], data["to_family"])
    if data["minutes"] is None:
        if entry is not None:
            delete_record(record=entry)
        return None
    entry = entry or Changeover(
        plant_id=work_centre.plant_id,
        work_centre=work_centre,
        from_family=data["from_family"],
        to_family=data["to_family"],
    )
    entry.minutes = data["minutes"]
    save_record(record=entry)
    return entry


@login_required
@require_POST
def changeover_cell(request: HttpRequest, pk: int) -> HttpResponse:
    work_centre = access_record(request.user, WorkCentre.objects.all(), pk, edit=True)
    form = forms.ChangeoverCellForm(request.POST, plant=work_centre.plant)
    error, entry = None, None
    try:
        if not form.is_valid():
            raise RuleViolation("Enter whole minutes, or leave the cell empty.")
        entry = _save_cell(work_centre, form)
    except RuleViolation as exc:
        error = exc.message
    if not request.htmx:  # type: ignore[attr-defined]
        (messages.error if error else messages.success)(request, error or "Changeover saved.")
        return redirect("plant:changeover-detail", pk=work_centre.pk)
    context = {"work_centre": work_centre, "form": form, "entry": entry, "error": error}
    return render(request, "plant/_changeover_cell_fragment.html", context)
