"""Turns domain errors that escape an HTML view into the right HTTP answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from plant.errors import DomainError, NotFound


class PlantTimezoneMiddleware:
    """Pages show and read times in the current plant's time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import timezone

        from plant.selectors import current_plant

        timezone.deactivate()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            plant = current_plant(request)
            if plant is not None:
                timezone.activate(plant.tz)
        try:
            return self.get_response(request)
        finally:
            # The thread serves other requests and tasks next: none may inherit this zone.
            timezone.deactivate()


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # DRF's handler shapes API errors.
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        if isinstance(exception, DomainError):
            return render(request, "error.html", {"error": exception}, status=exception.status)
        return None


class ApiNulCharacterMiddleware:
    """PostgreSQL cannot compare or store NUL characters (the driver raises), so an API URL
    carrying one is refused up front with 400 in the error shape instead of failing with 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and "\x00" in _url_text(request):
            body = {
                "code": "invalid",
                "message": "The URL contains a NUL character.",
                "detail": None,
            }
            return JsonResponse(body, status=400)
        return self.get_response(request)


def _url_text(request: HttpRequest) -> str:
    values = [value for key, values in request.GET.lists() for value in (key, *values)]
    return request.path + "".join(values)
