"""Calendars: shift patterns and their shifts, calendar exceptions and overtime offers.

Times are entered and shown in the plant's time zone; the forms turn them into aware datetimes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plant import forms, selectors
from plant.access import access_record
from plant.errors import RuleViolation
from plant.models import CalendarException, OvertimeOffer, Shift, ShiftPattern
from plant.selectors import require_plant
from plant.services.calendars import save_calendar_exception, save_overtime_offer
from plant.services.records import delete_record, save_record
from plant.views_masterdata import SHIFT_PATTERNS, check_can_edit


@login_required
def calendar_overview(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    context = {
        "patterns": selectors.shift_pattern_rows(plant),
        "exceptions": selectors.calendar_exception_rows(plant),
        "overtime": selectors.overtime_offer_rows(plant),
    }
    return render(request, "plant/calendar_overview.html", context)


def _save_shift(request: HttpRequest, form: forms.ShiftForm) -> bool:
    if not form.is_valid():
        return False
    try:
        shift = save_record(record=form.save(commit=False))
    except RuleViolation as error:
        forms.show_rule_violation(form, error)
        return False
    messages.success(request, f"Saved shift {shift}.")
    return True


@login_required
@require_POST
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = access_record(request.user, ShiftPattern.objects.all(), pk, edit=True)
    form = forms.ShiftForm(request.POST, instance=Shift(pattern=pattern))
    if _save_shift(request, form):
        return redirect("plant:shiftpattern-detail", pk=pattern.pk)
    context = {
        "pages": SHIFT_PATTERNS,
        "record": pattern,
        "shifts": list(pattern.shifts.all()),
        "machines": list(pattern.machines.all()),
        "shift_form": form,
    }
    return render(request, "plant/shiftpattern_detail.html", context, status=422)


@login_required
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = access_record(request.user, Shift.objects.select_related("pattern"), pk, edit=True)
    form = forms.ShiftForm(request.POST or None, instance=shift)
    if request.method == "POST" and _save_shift(request, form):
        return redirect("plant:shiftpattern-detail", pk=shift.pattern_id)
    return render(request, "plant/shift_form.html", {"form": form, "record": shift})


@login_required
@require_POST
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = access_record(request.user, Shift.objects.all(), pk, edit=True)
    delete_record(record=shift)
    messages.success(request, f"Deleted shift {shift}.")
    return redirect("plant:shiftpattern-detail", pk=shift.pattern_id)


@login_required
def exception_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plant = require_plant(request)
    check_can_edit(request)
    exception = None
    initial: dict[str, Any] = {}
    if pk is not None:
        queryset = CalendarException.objects.for_plant(plant)
        exception = access_record(request.user, queryset, pk, edit=True)
        initial = {f: getattr(exception, f) for f in ("kind", "machine", "start", "end", "reason")}
    form = forms.CalendarExceptionForm(request.POST or None, plant=plant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_calendar_exception(plant=plant, exception=exception, **form.cleaned_data)
        except RuleViolation as error:
            forms.show_rule_violation(form, error)
        else:
            messages.success(request, "Calendar exception saved.")
            return redirect("plant:calendars")
    title = (
        f"Change {exception.get_kind_display().lower()}" if exception else "New calendar exception"
    )
    context = {"form": form, "title": title}
    return render(request, "plant/calendar_form.html", context, status=_status(request, form))


@login_required
def overtime_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plant = require_plant(request)
    check_can_edit(request)
    offer = None
    initial: dict[str, Any] = {}
    if pk is not None:
        offer = access_record(request.user, OvertimeOffer.objects.for_plant(plant), pk, edit=True)
        fields = ("machine", "start", "end", "cost_per_hour", "note")
        initial = {f: getattr(offer, f) for f in fields}
    form = forms.OvertimeOfferForm(request.POST or None, plant=plant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_overtime_offer(offer=offer, **form.cleaned_data)
        except RuleViolation as error:
            forms.show_rule_violation(form, error)
        else:
            messages.success(request, "Overtime offer saved.")
            return redirect("plant:calendars")
    title = f"Change overtime on {offer.machine.code}" if offer else "New overtime offer"
    context = {"form": form, "title": title}
    return render(request, "plant/calendar_form.html", context, status=_status(request, form))


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


def _confirm_delete(request: HttpRequest, record: Any, noun: str) -> HttpResponse:
    if request.method == "POST":
        delete_record(record=record)
        messages.success(request, f"Deleted {noun}.")
        return redirect("plant:calendars")
    context = {"record": record, "noun": noun, "cancel_url": reverse("plant:calendars")}
    return render(request, "plant/record_confirm_delete.html", context)


@login_required
def exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    qs = CalendarException.objects.select_related("machine")
    record = access_record(request.user, qs, pk, edit=True)
    return _confirm_delete(request, record, "calendar exception")


@login_required
def overtime_delete(request: HttpRequest, pk: int) -> HttpResponse:
    qs = OvertimeOffer.objects.select_related("machine")
    record = access_record(request.user, qs, pk, edit=True)
    return _confirm_delete(request, record, "overtime offer")
