"""Plant pages: home and the plant switcher. Master-data pages live in plant/views_*.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plant.access import access_plant
from plant.selectors import SESSION_PLANT_KEY, current_plant, plant_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plant = current_plant(request)
    context = {"overview": plant_overview(plant) if plant else None}
    return render(request, "plant/home.html", context)


@login_required
@require_POST
def switch_plant(request: HttpRequest) -> HttpResponse:
    plant = access_plant(request.user, request.POST.get("plant"))
    request.session[SESSION_PLANT_KEY] = plant.pk
    target = request.POST.get("next", "")
    here = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and here else "plant:home")
