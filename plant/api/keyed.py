"""Read and upsert master data by code within a plant, as an ERP identifies it.

`GET|PUT /api/v1/<resource>/by-code/<code>/?plant=CODE`: PUT creates the record (201) or
replaces it (200) through the same input serializer and service as the pk routes; an
item's whole BOM is `GET|PUT /api/v1/items/by-code/<code>/bom/?plant=CODE`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from plant.api.audit import actor_of
from plant.api.conditional import (
    IF_NONE_MATCH,
    NOT_MODIFIED,
    PLANT_PARAMETER,
    conditional_response,
    plant_from_query,
)
from plant.api.errors import ErrorOutput
from plant.api.inputs import BOMLineInput
from plant.api.outputs import BOMLineOutput
from plant.errors import NotFound
from plant.integrations.audit import Change, write_audited
from plant.models import BOMLine, Item
from plant.services.boms import replace_bom

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
            responses={200: output, 304: NOT_MODIFIED, **errors(400, 403, 404)},
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
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        data = {**request.data, "plant": plant.code, "code": code}
        _, after = view.write_and_audit(request, instance=instance, partial=False, data=data)
        code_ = status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK
        return conditional_response(request, after, status=code_)


@extend_schema_serializer(
    component_name="BOMInput",
    examples=[
        OpenApiExample(
            "A welded bracket",
            value={"lines": [{"component": "FLAT-S235-8", "quantity": "0.45"}]},
            request_only=True,
        )
    ],
)
class BomInput(serializers.Serializer[Any]):
    lines = BOMLineInput(many=True, help_text="The whole BOM; components left out are removed.")


def bom_snapshot(item: Item) -> dict[str, str]:
    lines = BOMLine.objects.filter(parent=item).select_related("component")
    return {line.component.code: str(line.quantity) for line in lines}


class BomByCodeMixin:
    """`GET|PUT /items/by-code/<code>/bom/?plant=`: an item's whole BOM by codes."""

    @extend_schema(
        methods=["GET"],
        summary="Get an item's BOM by item code",
        description="The components of the made item with this code in `?plant=CODE`.",
        parameters=[CODE_PARAMETER, PLANT_PARAMETER],
        responses={200: BOMLineOutput(many=True), **{c: ErrorOutput for c in (400, 401, 404)}},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Replace an item's BOM by item code",
        description="Make the BOM of the made item with this code in `?plant=CODE` exactly "
        "the lines sent (component codes of the same plant); components left out are "
        "removed. Refused with 422 if it would make a cycle. Audited as one change.",
        parameters=[CODE_PARAMETER, PLANT_PARAMETER],
        request=BomInput,
        responses={
            200: BOMLineOutput(many=True),
            **{code: ErrorOutput for code in (400, 401, 403, 404, 422)},
        },
    )
    @action(
        detail=False,
        methods=["get", "put"],
        url_path=r"by-code/(?P<code>[^/]+)/bom",
        pagination_class=None,
    )
    def bom_by_code(self, request: Request, code: str) -> Response:
        view: Any = self
        plant = plant_from_query(request)
        item = view.get_queryset().filter(plant=plant, code=code).first()
        if item is None:
            raise NotFound(f"No item '{code}' in plant {plant.code}.")
        if request.method == "PUT":
            put_bom(request, item)
        lines = BOMLine.objects.filter(parent=item).select_related("parent", "component")
        return Response(BOMLineOutput(lines.order_by("component__code"), many=True).data)


def put_bom(request: Request, item: Item) -> None:
    inp = BomInput(data=request.data)
    inp.is_valid(raise_exception=True)
    rows = inp.validated_data["lines"]
    known = {
        i.code: i
        for i in Item.objects.filter(plant=item.plant, code__in=[r["component"] for r in rows])
    }
    unknown = [r["component"] for r in rows if r["component"] not in known]
    if unknown:
        raise serializers.ValidationError({"lines": [f"Unknown components: {', '.join(unknown)}."]})
    before = bom_snapshot(item)
    write_audited(
        lambda: replace_bom(
            parent=item, lines=[(known[r["component"]], r["quantity"]) for r in rows]
        ),
        actor=actor_of(request),
        change=lambda _: Change(
            item, item.plant, "update", before, bom_snapshot(item), f"{item.code}/bom"
        ),
    )
