"""Request-wide concerns: the plant's time zone, domain errors that escape a page, NUL
characters refused before anything reads them, and no caching of what a logged-in user sees."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from plant.errors import DomainError, NotFound, RuleViolation


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


class NoStoreMiddleware:
    """Nothing answered to a logged-in user is stored by a browser or a proxy (pages, htmx
    fragments, the JSON the pages fetch, the API): a shared tablet's back button or a proxy
    must never show one user's data to the next. Static files never get here (whitenoise
    answers them earlier in MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: a login has just made the user known, and the API's token
        # authentication sets request.user inside the view.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response


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


class NulCharacterMiddleware:
    """PostgreSQL can neither compare nor store NUL characters (the driver raises), so a URL or
    a submitted form carrying one is refused up front with 400 (the API's error shape under
    /api/, the error page elsewhere) instead of failing with 500. JSON bodies are checked by
    the API's parser (`plant.api.parsers`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _nul_in(request)
        if not where:
            return self.get_response(request)
        message = f"The {where} contains a NUL character."
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "invalid", "message": message, "detail": None}, status=400)
        error = RuleViolation(message)
        return render(request, "error.html", {"error": error}, status=400)


def _nul_in(request: HttpRequest) -> str:
    """What part of the request carries a NUL character ("" when none does)."""
    if "\x00" in request.path or "\x00" in _text(request.GET):
        return "address"
    content_type = request.content_type or ""
    forms = ("application/x-www-form-urlencoded", "multipart/form-data")
    if (
        request.method == "POST"
        and content_type.startswith(forms)
        and "\x00" in _text(request.POST)
    ):
        return "form"
    return ""


def _text(values: QueryDict) -> str:
    return "".join(text for key, items in values.lists() for text in (key, *items))
