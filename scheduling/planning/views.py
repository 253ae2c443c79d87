"""Planning pages: schedule runs with live progress, Gantt, pins, compare, publish, and the
dispatch list of the published schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from plant.access import check_role
from plant.errors import DomainError
from plant.models import Machine
from plant.selectors import require_plant
from scheduling.access import PLAN, access_run, access_scheduled_operation
from scheduling.models import ScheduleRun
from scheduling.planning import selectors
from scheduling.planning.forms import PinForm, RunForm
from scheduling.planning.runs import create_run, publish_run, request_cancel, rerun_with_pin


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    runs = (
        ScheduleRun.objects.for_plant(plant)
        .select_related("created_by")
        .defer("progress", "machine_windows")[:100]
    )
    return render(request, "scheduling/run_list.html", {"runs": runs})


@login_required
def run_new(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    check_role(request.user, PLAN, "plan schedules")
    form = RunForm(request.POST or None, plant=plant)
    if request.method == "POST" and form.is_valid():
        try:
            run = create_run(plant=plant, created_by=request.user, **form.run_arguments())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("scheduling:run-detail", pk=run.pk)
    return render(request, "scheduling/run_form.html", {"form": form})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    if request.htmx and request.GET.get("part") == "progress":  # type: ignore[attr-defined]
        response = render(request, "scheduling/_run_progress.html", {"run": run})
        if run.is_final:
            response["HX-Refresh"] = "true"  # the finished run's page has the Gantt and KPIs
        return response
    context = {
        "run": run,
        "late": selectors.late_order_reasons(run) if run.has_schedule else [],
        "machines": Machine.objects.filter(plant=run.plant).order_by("code"),
        "pin_form": PinForm(),
        "makespan_at": parse_datetime(run.kpis["makespan_at"]) if run.has_schedule else None,
    }
    return render(request, "scheduling/run_detail.html", context)


@login_required
def run_gantt(request: HttpRequest, pk: int) -> JsonResponse:
    run = access_run(request.user, pk)
    return JsonResponse(selectors.gantt_data(run))


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = request_cancel(run=access_run(request.user, pk, plan=True))
    messages.info(request, "Cancelling: the run keeps the best schedule found so far.")
    return redirect("scheduling:run-detail", pk=run.pk)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = publish_run(run=access_run(request.user, pk, plan=True))
    messages.success(
        request, f"“{run.name}” is now the plant's schedule. Dispatch lists follow it."
    )
    return redirect("scheduling:run-detail", pk=run.pk)


@login_required
@require_POST
def run_pin(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk, plan=True)
    form = PinForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a machine and a start time for the pinned operation.")
        return redirect("scheduling:run-detail", pk=run.pk)
    op = access_scheduled_operation(run, form.cleaned_data["operation"])
    try:
        new = rerun_with_pin(
            run=run,
            order_ref=op.order.external_ref,
            sequence=op.operation.sequence,
            machine_code=form.cleaned_data["machine"],
            start=form.cleaned_data["start"],
            created_by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
        new = run
    return redirect("scheduling:run-detail", pk=new.pk)


@login_required
def run_compare(request: HttpRequest) -> HttpResponse:
    runs = [access_run(request.user, pk) for pk in request.GET.getlist("runs")[:4]]
    if len(runs) < 2:
        messages.info(request, "Tick two or more finished runs to compare them.")
        return redirect("scheduling:run-list")
    charts = [(run, f"gantt-{run.pk}") for run in runs]
    context = {"runs": runs, "charts": charts, "rows": selectors.run_comparison(runs)}
    return render(request, "scheduling/run_compare.html", context)


@login_required
def dispatch(request: HttpRequest) -> HttpResponse:
    plant = require_plant(request)
    run = selectors.published_run(plant)
    machines = list(
        Machine.objects.filter(plant=plant)
        .select_related("work_centre")
        .order_by("work_centre__code", "code")
    )
    code = request.GET.get("machine") or (machines[0].code if machines else "")
    operations = selectors.dispatch_list(run, code) if run else []
    context = {"run": run, "machines": machines, "machine_code": code, "operations": operations}
    return render(request, "scheduling/dispatch.html", context)
