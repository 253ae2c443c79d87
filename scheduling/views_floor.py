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
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plant.access import has_role
from plant.errors import DomainError
from plant.models import Machine, Operation, Plant
from plant.selectors import require_plant
from scheduling import shop_floor
from scheduling.access import FLOOR, access_machine, access_order
from scheduling.errors import OperationRuleViolation, QuantityAboveOrder
from scheduling.forms_floor import (
    CompleteForm,
    DowntimeForm,
    IdentifyForm,
    MachineDownForm,
    MachineUpForm,
    NoteForm,
    OperationEventForm,
    PauseForm,
)
from scheduling.models import DowntimeReason
from scheduling.services import downtime, wip
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


def _actor(request: HttpRequest, plant: Plant) -> wip.Actor:
    operator = current_operator(request, plant)
    if operator is None:
        raise OperationRuleViolation("Identify with your badge and PIN first.")
    return wip.Actor(user=request.user, operator=operator)


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
        "down": shop_floor.open_machine_downtime(machine),
        "can_act": has_role(request.user, FLOOR),
        "message": message,
        "error": error,
        "new_id": uuid.uuid4,
        "quantity_dialogs": [("report", "Report count"), ("complete", "Complete")],
        **shop_floor.dispatch_rows(machine.plant, machine),
    }
    fragment = bool(getattr(request, "htmx", False))
    name = "_machine.html" if fragment else "machine.html"
    return render(request, f"scheduling/floor/{name}", context)


@login_required
def floor_home(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    context = {"centres": shop_floor.floor_overview(plant), "plant": plant}
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


def _operation_call(
    action: str, data: dict[str, Any], common: dict[str, Any], machine: Machine
) -> wip.EventOutcome:
    if action == "start":
        return wip.start_operation(machine=machine, **common)
    if action == "pause":
        return wip.pause_operation(reason=data["reason"], **common)
    if action == "resume":
        return wip.resume_operation(**common)
    quantities = {
        "good": data["good"],
        "scrap": data["scrap"] or Decimal(0),
        "confirm_over": data["confirm_over"],
    }
    if action == "report":
        return wip.report_quantities(**quantities, **common)
    return wip.complete_operation(**quantities, **common)


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
    operation = (
        Operation.objects.filter(routing__item_id=order.item_id, pk=operation_pk)
        .select_related("routing")
        .first()
    )
    form = OPERATION_FORMS[action](request.POST)
    if operation is None or not form.is_valid():
        return _machine_page(request, machine, error=_form_error(form))
    data = form.cleaned_data
    common = {
        "event_id": data["event_id"],
        "order": order,
        "operation": operation,
        "actor": _actor(request, machine.plant),
        "expected_version": data["version"],
        "note": data.get("note") or "",
    }
    try:
        _operation_call(action, data, common, machine)
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


def _machine_call(
    action: str, data: dict[str, Any], machine: Machine, actor: wip.Actor
) -> wip.EventOutcome:
    common = {"event_id": data["event_id"], "machine": machine, "actor": actor}
    if action == "down":
        back = data.get("expected_return_minutes")
        expected = timezone.now() + dt.timedelta(minutes=back) if back else None
        return downtime.mark_machine_down(
            reason=data["reason"],
            expected_return=expected,
            note=data["note"],
            expected_version=data["version"],
            **common,
        )
    if action == "up":
        return downtime.mark_machine_up(
            note=data["note"], expected_version=data["version"], **common
        )
    if action == "downtime":
        return downtime.record_downtime(
            reason=data["reason"], minutes=data["minutes"], note=data["note"], **common
        )
    return downtime.add_note(note=data["note"], **common)


@login_required
@require_POST
def floor_machine_event(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    machine = access_machine(request.user, pk, act=True)
    form = MACHINE_FORMS[action](request.POST)
    if not form.is_valid():
        return _machine_page(request, machine, error=_form_error(form))
    try:
        _machine_call(action, form.cleaned_data, machine, _actor(request, machine.plant))
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
