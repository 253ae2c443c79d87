"""Tablet pages for the shop floor: pick a machine, identify by badge and PIN, start, pause,
resume and complete operations, mark the machine down or up, record downtime and notes.

The tablet is logged in as a supervisor; operators switch by badge and PIN, kept in the
session until FLOOR_OPERATOR_IDLE_S of inactivity. htmx requests get the machine fragment.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plant.access import check_role, has_role
from plant.errors import DomainError
from plant.models import Machine, Plant
from plant.selectors import require_plant
from scheduling.access import FLOOR, PLAN, access_machine, access_order, access_run, access_step
from scheduling.errors import OperationRuleViolation, QuantityAboveOrder
from scheduling.floor import downtime, oee, operations, selectors
from scheduling.floor.actions import (
    MachineAction,
    StepAction,
    record_machine_action,
    record_step_action,
)
from scheduling.floor.forms import (
    CompleteForm,
    DowntimeForm,
    IdentifyForm,
    MachineDownForm,
    MachineUpForm,
    NoteForm,
    OperationEventForm,
    PauseForm,
)
from scheduling.floor.reschedule import reschedule_from_floor
from scheduling.models import DowntimeReason
from staffing.models import Operator
from staffing.services import identify_operator

SESSION_OPERATOR = "floor_operator"


def current_operator(request: HttpRequest, plant: Plant) -> Operator | None:
    """The operator identified on this tablet, if their last tap is recent enough."""
    data = request.session.get(SESSION_OPERATOR)
    if not data or data.get("plant") != plant.pk:
        return None
    if time.time() - data.get("seen", 0) > settings.FLOOR_OPERATOR_IDLE_S:
        request.session.pop(SESSION_OPERATOR, None)
        return None
    operator: Operator | None = Operator.objects.active().filter(plant=plant, pk=data["id"]).first()
    if operator is not None:
        request.session[SESSION_OPERATOR] = {**data, "seen": time.time()}
    return operator


def _actor(request: HttpRequest, plant: Plant) -> operations.Actor:
    operator = current_operator(request, plant)
    if operator is None:
        raise OperationRuleViolation("Identify with your badge and PIN first.")
    return operations.Actor(user=request.user, operator=operator)


def _machine_page(
    request: HttpRequest,
    machine: Machine,
    *,
    message: str = "",
    error: str = "",
    confirm: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "machine": machine,
        "machine_version": downtime.machine_version(machine),
        "confirm": confirm,
        "operator": current_operator(request, machine.plant),
        "reasons": DowntimeReason.objects.filter(is_active=True),
        "down": selectors.open_machine_downtime(machine),
        "can_act": has_role(request.user, FLOOR),
        "message": message,
        "error": error,
        "new_id": uuid.uuid4,
        "quantity_dialogs": [("report", "Report count"), ("complete", "Complete")],
        **selectors.dispatch_rows(machine.plant, machine),
    }
    fragment = bool(getattr(request, "htmx", False))
    name = "_machine.html" if fragment else "machine.html"
    return render(request, f"scheduling/floor/{name}", context)


@login_required
def floor_home(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    context = {"centres": selectors.floor_overview(plant), "plant": plant}
    return render(request, "scheduling/floor/home.html", context)


@login_required
def floor_machine(request: HttpRequest, pk: int) -> HttpResponse:
    return _machine_page(request, access_machine(request.user, pk))


@login_required
@require_POST
def floor_identify(request: HttpRequest, pk: int) -> HttpResponse:
    machine = access_machine(request.user, pk, act=True)
    form = IdentifyForm(request.POST)
    if not form.is_valid():
        return _machine_page(request, machine, error="Enter your badge number and PIN.")
    try:
        operator = identify_operator(plant=machine.plant, **form.cleaned_data)
    except DomainError as error:
        return _machine_page(request, machine, error=error.message)
    request.session[SESSION_OPERATOR] = {
        "id": operator.pk,
        "plant": machine.plant_id,
        "seen": time.time(),
    }
    return _machine_page(request, machine, message=f"Hello {operator.name}.")


@login_required
@require_POST
def floor_leave(request: HttpRequest, pk: int) -> HttpResponse:
    machine = access_machine(request.user, pk)
    request.session.pop(SESSION_OPERATOR, None)
    return _machine_page(request, machine, message="Signed off. The next operator identifies.")


OPERATION_FORMS: dict[str, type[forms.Form]] = {
    "start": OperationEventForm,
    "pause": PauseForm,
    "resume": OperationEventForm,
    "report": CompleteForm,
    "complete": CompleteForm,
}
DONE = {
    "start": "Started",
    "pause": "Paused",
    "resume": "Resumed",
    "report": "Quantities reported for",
    "complete": "Completed",
}


def _confirmation(request: HttpRequest, action: str, error: QuantityAboveOrder) -> dict[str, Any]:
    """The same form again, with the same event id, to send once the operator confirms."""
    return {
        "url": request.path,
        "action": action,
        "message": error.message,
        "fields": {k: request.POST.get(k, "") for k in ("event_id", "version", "good", "scrap")},
        "note": request.POST.get("note", ""),
    }


@login_required
@require_POST
def floor_operation(
    request: HttpRequest, pk: int, order_pk: int, operation_pk: int, action: str
) -> HttpResponse:
    machine = access_machine(request.user, pk, act=True)
    order = access_order(request.user, order_pk)
    form = OPERATION_FORMS[action](request.POST)
    if not form.is_valid():
        return _machine_page(request, machine, error=_form_error(form))
    try:
        operation = access_step(order, pk=operation_pk)
    except DomainError as error:
        return _machine_page(request, machine, error=error.message)
    data = form.cleaned_data
    step = StepAction(
        action=action,
        event_id=data["event_id"],
        order=order,
        operation=operation,
        actor=_actor(request, machine.plant),
        expected_version=data["version"],
        note=data.get("note") or "",
        machine=machine,
        reason=data.get("reason"),
        good=data.get("good"),
        scrap=data.get("scrap") or Decimal(0),
        confirm_over=data.get("confirm_over", False),
    )
    try:
        record_step_action(step)
    except QuantityAboveOrder as error:
        confirm = _confirmation(request, action, error)
        return _machine_page(request, machine, confirm=confirm)
    except DomainError as error:
        return _machine_page(request, machine, error=error.message)
    label = f"{order.external_ref}/{operation.sequence}"
    return _machine_page(request, machine, message=f"{DONE[action]} {label}.")


MACHINE_FORMS: dict[str, type[forms.Form]] = {
    "down": MachineDownForm,
    "up": MachineUpForm,
    "downtime": DowntimeForm,
    "note": NoteForm,
}


@login_required
@require_POST
def floor_machine_event(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    machine = access_machine(request.user, pk, act=True)
    form = MACHINE_FORMS[action](request.POST)
    if not form.is_valid():
        return _machine_page(request, machine, error=_form_error(form))
    data = form.cleaned_data
    back = data.get("expected_return_minutes")
    act = MachineAction(
        action=action,
        event_id=data["event_id"],
        machine=machine,
        actor=_actor(request, machine.plant),
        note=data["note"],
        reason=data.get("reason"),
        expected_return=timezone.now() + dt.timedelta(minutes=back) if back else None,
        minutes=data.get("minutes") or 0,
        expected_version=data.get("version"),
    )
    try:
        record_machine_action(act)
    except DomainError as error:
        return _machine_page(request, machine, error=error.message)
    machine.refresh_from_db()
    words = {"down": "marked down", "up": "is up again", "downtime": "downtime recorded"}
    return _machine_page(
        request, machine, message=f"{machine.code} {words.get(action, 'note added')}."
    )


def _form_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        name = form.fields[field].label or field if field in form.fields else ""
        return f"{str(name).capitalize()}: {errors[0]}" if name else str(errors[0])
    return "That operation is not part of this order."


@login_required
def floor_alerts(request: HttpRequest) -> HttpResponse:
    """A banner partial the manager's pages poll: machines down, operations running late."""
    plant = require_plant(request)
    context = {**selectors.floor_alerts(plant), "can_plan": has_role(request.user, PLAN)}
    return render(request, "scheduling/floor/_alerts.html", context)


@login_required
@require_POST
def floor_reschedule(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    check_role(request.user, PLAN, "reschedule")
    run = reschedule_from_floor(plant=plant, created_by=request.user)
    messages.info(request, "Rescheduling from the shop floor; compare it with the published one.")
    return redirect("scheduling:run-detail", pk=run.pk)


@login_required
def run_actuals(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(selectors.gantt_actuals(access_run(request.user, pk)))


@login_required
def floor_kpis(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    try:
        days = max(1, min(31, int(request.GET.get("days", "7"))))
    except ValueError:
        days = 7
    end = timezone.now()
    report = oee.oee_report(plant, end - dt.timedelta(days=days), end)
    return render(request, "scheduling/floor/kpis.html", {"report": report, "days": days})
