"""Managers' pages for operators: list, create, edit or deactivate, set a PIN, unlock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plant.access import check_role, has_role
from plant.errors import DomainError
from plant.selectors import require_plant
from staffing import services
from staffing.access import MANAGE_OPERATORS, access_operator
from staffing.errors import PinInvalid
from staffing.forms import OperatorCreateForm, OperatorForm, PinForm
from staffing.models import Operator


@login_required
def operator_list(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    context = {
        "operators": Operator.objects.filter(plant=plant).order_by("badge"),
        "now": timezone.now(),
        "can_manage": has_role(request.user, MANAGE_OPERATORS),
    }
    return render(request, "staffing/operator_list.html", context)


@login_required
def operator_create(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    check_role(request.user, MANAGE_OPERATORS, "manage operators")
    form = OperatorCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operator = services.create_operator(plant=plant, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Operator {operator} created.")
            return redirect("staffing:operator-list")
    return render(request, "staffing/operator_form.html", {"form": form})


@login_required
def operator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    operator = access_operator(request.user, pk, edit=True)
    initial = {"name": operator.name, "is_active": operator.is_active}
    form = OperatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.change_operator(operator=operator, **form.cleaned_data)
        messages.success(request, f"Operator {operator} saved.")
        return redirect("staffing:operator-list")
    context = {"form": form, "operator": operator, "pin_form": PinForm(), "now": timezone.now()}
    return render(request, "staffing/operator_form.html", context)


@login_required
@require_POST
def operator_pin(request: HttpRequest, pk: int) -> HttpResponse:
    operator = access_operator(request.user, pk, edit=True)
    form = PinForm(request.POST)
    try:
        if not form.is_valid():
            raise PinInvalid("A PIN is 4 to 8 digits.")
        services.set_operator_pin(operator=operator, pin=form.cleaned_data["pin"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("staffing:operator-edit", pk=operator.pk)
    messages.success(request, f"New PIN set for {operator}.")
    return redirect("staffing:operator-list")


@login_required
@require_POST
def operator_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    operator = access_operator(request.user, pk, edit=True)
    services.unlock_operator(operator=operator)
    messages.success(request, f"{operator} may identify again.")
    return redirect("staffing:operator-list")
