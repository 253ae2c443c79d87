"""Plant pages: home, the plant switcher and the locked-out login. Master-data pages live in
plant/views_*.py."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
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


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes's answer to a login it refused (`AXES_LOCKOUT_CALLABLE`), on the login page
    or the admin's: what happened and for how long, in the site's look."""
    context = {
        "attempts": settings.LOGIN_MAX_ATTEMPTS,
        "minutes": math.ceil(settings.LOGIN_LOCKOUT_S / 60),
        "login_url": request.path,
    }
    return render(request, "registration/locked_out.html", context, status=429)
