"""One error shape for the whole API: {"code", "message", "detail"}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.defaults import page_not_found
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from plant.api.examples import ERROR_EXAMPLES
from plant.errors import DomainError, RuleViolation


@extend_schema_serializer(component_name="Error", examples=ERROR_EXAMPLES)
class ErrorOutput(serializers.Serializer[Any]):
    """The shape of every error the API returns."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. in_use.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    detail = serializers.JSONField(
        allow_null=True, help_text="Field- or row-level context: {field: [messages]} or null."
    )


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": exc.message, "detail": exc.detail}, status=exc.status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message, detail = "invalid", _first_message(exc.detail), exc.detail
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        message, detail = _first_message(exc.detail), None
    else:  # pragma: no cover - drf only handles APIException subclasses
        code, message, detail = "error", str(exc), None
    response.data = {"code": code, "message": message, "detail": detail}
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django refuses before any view (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields) answers in the API's error shape under
    /api/, and with the site's own error page elsewhere."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
        message = f"The request body is larger than {limit:g} MB."
    else:
        message = "The request could not be read."
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "invalid", "message": message, "detail": None}, status=400)
    return render(request, "error.html", {"error": RuleViolation(message)}, status=400)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an unknown route under /api/ answers in the API's error shape."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": "No such API route.", "detail": None}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
