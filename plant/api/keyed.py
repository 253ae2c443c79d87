"""Read and upsert master data by code within a plant, as an ERP identifies it.

`GET|PUT /api/v1/<resource>/by-code/<code>/?plant=CODE`: PUT creates the record (201) or
replaces it (200) through the same input serializer and service as the pk routes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from plant.api.conditional import (
    IF_NONE_MATCH,
    NOT_MODIFIED,
    PLANT_PARAMETER,
    conditional_response,
    plant_from_query,
)
from plant.errors import NotFound

CODE_PARAMETER = OpenApiParameter(
    "code", OpenApiTypes.STR, location=OpenApiParameter.PATH, description="The record's code."
)


def by_code_schemas(noun: str, output: Any, input_: Any, errors: Any) -> list[Any]:
    return [
        extend_schema(
            methods=["GET"],
            summary=f"Get one {noun} by code",
            description=f"The {noun} with this code in `?plant=CODE`, with a weak ETag.",
            parameters=[CODE_PARAMETER, PLANT_PARAMETER, IF_NONE_MATCH],
            responses={200: output, 304: NOT_MODIFIED, **errors(403, 404)},
        ),
        extend_schema(
            methods=["PUT"],
            summary=f"Create or replace a {noun} by code",
            description=f"Upsert by code: creates the {noun} in `?plant=CODE` if it is new "
            "(201), else replaces it (200). `plant` and `code` in the body may be left out. "
            "Plant managers and write tokens. Audited.",
            parameters=[CODE_PARAMETER, PLANT_PARAMETER],
            request=input_,
            responses={200: output, 201: output, **errors(400, 403, 404, 422)},
        ),
    ]


class ByCodeMixin:
    """Adds `by-code/<code>/` to a MasterDataViewSet whose records have a plant and a code."""

    @action(detail=False, methods=["get", "put"], url_path=r"by-code/(?P<code>[^/]+)")
    def by_code(self, request: Request, code: str) -> Response:
        view: Any = self
        plant = plant_from_query(request)
        instance = view.get_queryset().filter(plant=plant, code=code).first()
        if request.method == "GET":
            if instance is None:
                raise NotFound(f"No {view.get_queryset().model._meta.verbose_name} '{code}'.")
            return conditional_response(request, view._output(instance))
        data = {**request.data, "plant": plant.code, "code": code}
        before = view._output(instance) if instance is not None else None
        with transaction.atomic(durable=True):
            record = view._write(request, instance=instance, partial=False, data=data)
            after = view._output(record)
            view._audit(record, "update" if before else "create", before, after)
        code_ = status.HTTP_200_OK if before else status.HTTP_201_CREATED
        return conditional_response(request, after, status=code_)
