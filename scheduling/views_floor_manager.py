"""The manager's side of the shop floor: alerts, rescheduling, KPIs, the Gantt's actuals."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plant.access import check_role, has_role
from plant.selectors import require_plant
from scheduling import oee, shop_floor
from scheduling.access import PLAN, access_run
from scheduling.services.reschedule import reschedule_from_floor


@login_required
def floor_alerts(request: HttpRequest) -> HttpResponse:
    """A banner partial the manager's pages poll: machines down, operations running late."""
    plant = require_plant(request)
    context = {**shop_floor.floor_alerts(plant), "can_plan": has_role(request.user, PLAN)}
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
    return JsonResponse(shop_floor.gantt_actuals(access_run(request.user, pk)))


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
