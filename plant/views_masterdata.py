"""List, detail, create, edit and delete pages for the plant's plain master-data records.

Work centres, machines, product families, items and shift patterns share one set of views,
configured per record type by a `RecordPages`. Their templates are per type:
`plant/<slug>_detail.html` and the list rows `plant/_<slug>_list_fragment.html` (what htmx
swaps in when a filter changes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from plant import forms, selectors
from plant.access import EDIT_MASTER_DATA, access_record, check_role
from plant.errors import InUse, RuleViolation
from plant.models import Item, Machine, ProductFamily, ShiftPattern, WorkCentre
from plant.services.records import delete_record, save_record


def check_can_edit(request: HttpRequest) -> None:
    check_role(request.user, EDIT_MASTER_DATA, "change master data")


@dataclass(frozen=True)
class RecordPages:
    slug: str  # URL names are plant:<slug>-list, -detail, -create, -edit, -delete
    model: type[models.Model]
    form: type[forms.PlantModelForm]
    title: str
    rows: Callable[..., models.QuerySet[Any]]
    filter_form: type[forms.SearchForm] = forms.SearchForm
    detail_queryset: Callable[[], models.QuerySet[Any]] | None = None
    detail_extra: Callable[[Any], dict[str, Any]] | None = None

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    def queryset(self) -> models.QuerySet[Any]:
        if self.detail_queryset is not None:
            return self.detail_queryset()
        return self.model._default_manager.all()


def _list_template(pages: RecordPages, request: HttpRequest) -> str:
    if request.htmx:  # type: ignore[attr-defined]
        return f"plant/_{pages.slug}_list_fragment.html"
    return "plant/record_list.html"


@login_required
def record_list(request: HttpRequest, pages: RecordPages) -> HttpResponse:
    plant = selectors.require_plant(request)
    filter_form = pages.filter_form(request.GET or None, plant=plant)
    rows = pages.rows(plant, **filter_form.filters())
    context = {"pages": pages, "filter_form": filter_form, "rows": rows}
    return render(request, _list_template(pages, request), context)


@login_required
def record_detail(request: HttpRequest, pages: RecordPages, pk: int) -> HttpResponse:
    record = access_record(request.user, pages.queryset(), pk)
    context = {"pages": pages, "record": record}
    if pages.detail_extra is not None:
        context |= pages.detail_extra(record)
    return render(request, f"plant/{pages.slug}_detail.html", context)


def _save_form(request: HttpRequest, pages: RecordPages, form: Any) -> HttpResponse | None:
    """Save a valid form through save_record; None (and errors on the form) when it fails."""
    if not form.is_valid():
        return None
    try:
        record = save_record(record=form.save(commit=False))
    except RuleViolation as error:
        forms.show_rule_violation(form, error)
        return None
    messages.success(request, f"Saved {pages.noun} {record}.")
    return redirect(f"plant:{pages.slug}-detail", pk=record.pk)


@login_required
def record_create(request: HttpRequest, pages: RecordPages) -> HttpResponse:
    plant = selectors.require_plant(request)
    check_can_edit(request)
    instance = pages.model(plant=plant)
    form = pages.form(request.POST or None, instance=instance, plant=plant)
    if request.method == "POST" and (done := _save_form(request, pages, form)):
        return done
    return render(request, "plant/record_form.html", {"pages": pages, "form": form})


@login_required
def record_edit(request: HttpRequest, pages: RecordPages, pk: int) -> HttpResponse:
    record = access_record(request.user, pages.model._default_manager.all(), pk, edit=True)
    form = pages.form(request.POST or None, instance=record, plant=record.plant)  # type: ignore[attr-defined]
    if request.method == "POST" and (done := _save_form(request, pages, form)):
        return done
    context = {"pages": pages, "form": form, "record": record}
    return render(request, "plant/record_form.html", context)


@login_required
def record_delete(request: HttpRequest, pages: RecordPages, pk: int) -> HttpResponse:
    record = access_record(request.user, pages.model._default_manager.all(), pk, edit=True)
    cancel_url = reverse(f"plant:{pages.slug}-detail", args=[record.pk])
    context = {"pages": pages, "record": record, "noun": pages.noun, "cancel_url": cancel_url}
    if request.method == "POST":
        try:
            delete_record(record=record)
        except InUse as error:
            context["error"] = error
            return render(request, "plant/record_confirm_delete.html", context, status=409)
        messages.success(request, f"Deleted {pages.noun} {record}.")
        return redirect(f"plant:{pages.slug}-list")
    return render(request, "plant/record_confirm_delete.html", context)


# --- The record types ---------------------------------------------------------------------


def _machine_extra(machine: Machine) -> dict[str, Any]:
    return {
        "exceptions": list(machine.calendar_exceptions.all()),
        "overtime": list(machine.overtime_offers.all()),
        "operations": list(
            machine.operations.select_related("operation__routing__item", "operation")
        ),
    }


def _item_extra(item: Item) -> dict[str, Any]:
    extra = selectors.item_structure(item)
    extra["bom_form"] = forms.BOMLineForm(candidates=selectors.bom_candidates(item))
    return extra


WORK_CENTRES = RecordPages(
    slug="workcentre",
    model=WorkCentre,
    form=forms.WorkCentreForm,
    title="Work centres",
    rows=selectors.work_centre_rows,
    detail_extra=lambda wc: {"machines": list(wc.machines.select_related("shift_pattern"))},
)
MACHINES = RecordPages(
    slug="machine",
    model=Machine,
    form=forms.MachineForm,
    title="Machines",
    rows=selectors.machine_rows,
    filter_form=forms.MachineFilterForm,
    detail_queryset=lambda: Machine.objects.select_related("work_centre", "shift_pattern"),
    detail_extra=_machine_extra,
)
FAMILIES = RecordPages(
    slug="family",
    model=ProductFamily,
    form=forms.ProductFamilyForm,
    title="Product families",
    rows=selectors.family_rows,
    detail_extra=lambda family: {"items": list(family.items.all())},
)
ITEMS = RecordPages(
    slug="item",
    model=Item,
    form=forms.ItemForm,
    title="Items",
    rows=selectors.item_rows,
    filter_form=forms.ItemFilterForm,
    detail_queryset=lambda: Item.objects.select_related("family"),
    detail_extra=_item_extra,
)
SHIFT_PATTERNS = RecordPages(
    slug="shiftpattern",
    model=ShiftPattern,
    form=forms.ShiftPatternForm,
    title="Shift patterns",
    rows=lambda plant, **_: selectors.shift_pattern_rows(plant),
    detail_extra=lambda pattern: {
        "shifts": list(pattern.shifts.all()),
        "machines": list(pattern.machines.all()),
        "shift_form": forms.ShiftForm(),
    },
)
ALL_PAGES = [WORK_CENTRES, MACHINES, FAMILIES, ITEMS, SHIFT_PATTERNS]
