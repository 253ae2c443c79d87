"""Master-data endpoints. Every queryset goes through `.for_user()`; writes call services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from plant.api import inputs, outputs
from plant.api.audit import actor_of
from plant.api.conditional import IF_NONE_MATCH, NOT_MODIFIED, conditional_response
from plant.api.errors import ErrorOutput
from plant.api.filters import LIST_PARAMETERS, filter_master_data
from plant.api.keyed import BomByCodeMixin, ByCodeMixin, by_code_schemas
from plant.api.permissions import CalendarPermission, MasterDataPermission
from plant.errors import NotFound
from plant.integrations.audit import Change, write_audited
from plant.models import (
    BOMLine,
    CalendarException,
    Changeover,
    Item,
    Machine,
    Operation,
    OperationMachine,
    OvertimeOffer,
    Plant,
    ProductFamily,
    Routing,
    ShiftPattern,
    WorkCentre,
)
from plant.services.boms import set_bom_line
from plant.services.calendars import save_calendar_exception, save_overtime_offer
from plant.services.records import delete_record, save_record
from plant.services.routings import save_routing
from plant.services.shift_patterns import save_shift_pattern


def record_plant(record: Any) -> Plant | None:
    """The plant a master-data record belongs to, by the path its queryset scopes by."""
    path: str = getattr(type(record).objects.all(), "plant_path", "plant")
    target = record
    for step in path.split("__"):
        target = getattr(target, step, None)
    return target if isinstance(target, Plant) else None


MasterDataViewSetT = TypeVar("MasterDataViewSetT", bound="MasterDataViewSet")


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    described = {
        400: "Invalid input; `detail` names the fields.",
        403: "Not logged in, or a write by someone who is not a Plant manager.",
        404: "No such record in your plants.",
        409: "Still used by other records (`detail` counts them).",
        422: "The record would break a plant rule.",
    }
    return {code: OpenApiResponse(ErrorOutput, description=described[code]) for code in codes}


def documented(
    noun: str,
    plural: str,
    about: str,
    *,
    writes: tuple[str, ...] = (),
) -> Callable[[type[MasterDataViewSetT]], type[MasterDataViewSetT]]:
    """Summaries, descriptions and the input/output split for one resource's actions."""

    def decorate(viewset: type[MasterDataViewSetT]) -> type[MasterDataViewSetT]:
        schema = _schema_views(
            noun, plural, about, viewset.output_serializer, writes, viewset.input_serializer
        )
        decorated: type[MasterDataViewSetT] = schema(viewset)
        return decorated

    return decorate


def _schema_views(
    noun: str,
    plural: str,
    about: str,
    output: type[serializers.BaseSerializer[Any]],
    writes: tuple[str, ...],
    input_: Any = None,
) -> Any:
    article = "an" if noun[0] in "aeiou" else "a"
    managers = f"{about} Plant managers only."
    views: dict[str, Any] = {
        "list": extend_schema(
            summary=f"List {plural}",
            description=f"{about} Cursor-paginated, ordered by id.",
            parameters=LIST_PARAMETERS,
            responses={200: output(many=True), **_errors(400, 403)},
        ),
        "retrieve": extend_schema(
            summary=f"Get one {noun}",
            description=f"{about} Sends a weak ETag (304 on If-None-Match).",
            parameters=[IF_NONE_MATCH],
            responses={200: output, 304: NOT_MODIFIED, **_errors(403, 404)},
        ),
        "create": extend_schema(
            summary=f"Create {article} {noun}",
            description=managers,
            responses={201: output, **_errors(400, 403, 422)},
        ),
        "update": extend_schema(
            summary=f"Replace {article} {noun}",
            description=managers,
            responses={200: output, **_errors(400, 403, 404, 422)},
        ),
        "partial_update": extend_schema(
            summary=f"Change some fields of {article} {noun}",
            description=managers,
            responses={200: output, **_errors(400, 403, 404, 422)},
        ),
        "destroy": extend_schema(
            summary=f"Delete {article} {noun}",
            description="Plant managers only. Refused with 409 while other records use it.",
            responses={204: None, **_errors(403, 404, 409)},
        ),
    }
    if "by_code" in writes:
        views["by_code"] = by_code_schemas(noun, output, input_, _errors)
    return extend_schema_view(
        **{name: schema for name, schema in views.items() if name in ("list", "retrieve", *writes)}
    )


class MasterDataViewSet(viewsets.ModelViewSet):
    """List and retrieve for everyone in the plant; writes through `write()` for managers."""

    permission_classes = [MasterDataPermission]
    output_serializer: ClassVar[type[serializers.BaseSerializer[Any]]]
    input_serializer: ClassVar[type[serializers.BaseSerializer[Any]] | None] = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().for_user(self.request.user)  # type: ignore[attr-defined]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action in ("create", "update", "partial_update") and self.input_serializer:
            return self.input_serializer
        return self.output_serializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = filter_master_data(self.get_queryset(), request.query_params)
        page = self.paginate_queryset(queryset)
        data = self.output_serializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        data = self.output_serializer(record, context=self.get_serializer_context()).data
        return conditional_response(request, data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _, after = self.write_and_audit(request, instance=None, partial=False)
        return Response(after, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.get("partial", False)
        _, after = self.write_and_audit(request, instance=self.get_object(), partial=partial)
        return Response(after)

    def perform_destroy(self, instance: models.Model) -> None:
        before = self._output(instance)
        write_audited(
            lambda: delete_record(record=instance),
            actor=actor_of(self.request),
            change=lambda _: self._change(instance, "delete", before, None),
        )

    def write_and_audit(
        self, request: Request, *, instance: Any, partial: bool, data: Any = None
    ) -> tuple[models.Model, Any]:
        """Save through the resource's service and log it in the same transaction (the
        audit entry is this API's representation of the record, before and after)."""
        before = self._output(instance) if instance is not None else None

        def write() -> tuple[models.Model, Any]:
            record = self._write(request, instance=instance, partial=partial, data=data)
            return record, self._output(record)

        return write_audited(
            write,
            actor=actor_of(request),
            change=lambda done: self._change(
                done[0], "update" if before else "create", before, done[1]
            ),
        )

    def _change(self, record: Any, action: str, before: Any, after: Any) -> Change:
        plant = record if isinstance(record, Plant) else record_plant(record)
        return Change(record, plant, action, before, after)

    def write_context(self, instance: Any) -> dict[str, Any]:
        return {"plant": instance.plant} if instance is not None else {}

    def write(self, data: dict[str, Any], instance: Any) -> models.Model:
        """Default write: set the validated fields and save with every rule checked."""
        record = instance or self.get_queryset().model()
        for name, value in data.items():
            setattr(record, name, value)
        return save_record(record=record)

    def _write(
        self, request: Request, *, instance: Any, partial: bool, data: Any = None
    ) -> models.Model:
        assert self.input_serializer is not None
        context = {**self.get_serializer_context(), **self.write_context(instance)}
        body = request.data if data is None else data
        inp = self.input_serializer(data=body, partial=partial, context=context)
        inp.is_valid(raise_exception=True)
        return self.write(inp.validated_data, instance)

    def _output(self, record: models.Model) -> Any:
        fresh = self.get_queryset().get(pk=record.pk)
        return self.output_serializer(fresh, context=self.get_serializer_context()).data


ALL_WRITES = ("create", "update", "partial_update", "destroy")
KEYED_WRITES = (*ALL_WRITES, "by_code")


@documented("plant", "plants", "The plants you belong to.")
class PlantViewSet(MasterDataViewSet):
    queryset = Plant.objects.all()
    output_serializer = outputs.PlantOutput
    http_method_names = ["get", "head", "options"]


@documented(
    "work centre",
    "work centres",
    "Groups of machines.",
    writes=KEYED_WRITES,
)
class WorkCentreViewSet(ByCodeMixin, MasterDataViewSet):
    queryset = WorkCentre.objects.select_related("plant")
    output_serializer = outputs.WorkCentreOutput
    input_serializer = inputs.WorkCentreInput


@documented(
    "machine",
    "machines",
    "Machines; `work_centre` is a work centre code and `shift_pattern` a pattern name, "
    "both within the machine's plant.",
    writes=KEYED_WRITES,
)
class MachineViewSet(ByCodeMixin, MasterDataViewSet):
    queryset = Machine.objects.select_related("plant", "work_centre", "shift_pattern")
    output_serializer = outputs.MachineOutput
    input_serializer = inputs.MachineInput


@documented(
    "product family",
    "product families",
    "Items of one family run back to back without a changeover.",
    writes=KEYED_WRITES,
)
class ProductFamilyViewSet(ByCodeMixin, MasterDataViewSet):
    queryset = ProductFamily.objects.select_related("plant")
    output_serializer = outputs.ProductFamilyOutput
    input_serializer = inputs.ProductFamilyInput


@documented(
    "item",
    "items",
    "Made and bought items; `family` is a product family code within the plant.",
    writes=KEYED_WRITES,
)
class ItemViewSet(BomByCodeMixin, ByCodeMixin, MasterDataViewSet):
    queryset = Item.objects.select_related("plant", "family")
    output_serializer = outputs.ItemOutput
    input_serializer = inputs.ItemInput

    @extend_schema(
        methods=["GET"],
        summary="List an item's BOM",
        description="The components of a made item, ordered by component code. Not paginated.",
        responses={200: outputs.BOMLineOutput(many=True), **_errors(400, 403, 404, 422)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Set a BOM line",
        description=(
            "Add a component (by code, same plant) to a made item's BOM or change its "
            "quantity. Refused with 422 if it would make a cycle. Plant managers only."
        ),
        request=inputs.BOMLineInput,
        responses={201: outputs.BOMLineOutput, **_errors(400, 403, 404, 422)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def bom(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        if request.method == "GET":
            lines = BOMLine.objects.filter(parent=item).select_related("parent", "component")
            return Response(
                outputs.BOMLineOutput(lines.order_by("component__code"), many=True).data
            )
        inp = inputs.BOMLineInput(data=request.data)
        inp.is_valid(raise_exception=True)
        try:
            component = inputs.find_by_code(Item, item.plant, inp.validated_data["component"])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"component": error.detail}) from None
        before = BOMLine.objects.filter(parent=item, component=component).first()
        old = outputs.BOMLineOutput(before).data if before else None
        action = "update" if before else "create"
        ref = f"{item.code}/{component.code}"
        line = write_audited(
            lambda: set_bom_line(
                parent=item, component=component, quantity=inp.validated_data["quantity"]
            ),
            actor=actor_of(request),
            change=lambda line: Change(
                line, item.plant, action, old, outputs.BOMLineOutput(line).data, ref
            ),
        )
        return Response(outputs.BOMLineOutput(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a BOM line",
        description="Remove one component (by code) from the item's BOM. Plant managers only.",
        responses={204: None, **_errors(400, 403, 404, 422)},
    )
    @action(detail=True, methods=["delete"], url_path=r"bom/(?P<component>[^/]+)")
    def bom_line(self, request: Request, pk: str, component: str) -> Response:
        item = self.get_object()
        line = BOMLine.objects.filter(parent=item, component__code=component).first()
        if line is None:
            raise NotFound(f"{item.code} has no BOM line for '{component}'.")
        before = outputs.BOMLineOutput(line).data
        ref = f"{item.code}/{component}"
        write_audited(
            lambda: delete_record(record=line),
            actor=actor_of(request),
            change=lambda _: Change(line, item.plant, "delete", before, None, ref),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@documented(
    "routing",
    "routings",
    "A made item's operations in sequence, each with its eligible machines. Written whole: "
    "`item`, `work_centre` and `machine` are codes within the plant; posting a routing for "
    "an item that has one replaces it; operations are matched by sequence number.",
    writes=("create", "update", "destroy"),
)
class RoutingViewSet(MasterDataViewSet):
    queryset = Routing.objects.select_related("item__plant").prefetch_related(
        Prefetch(
            "operations",
            queryset=Operation.objects.select_related("work_centre").prefetch_related(
                Prefetch(
                    "eligible_machines",
                    queryset=OperationMachine.objects.select_related("machine"),
                )
            ),
        )
    )
    output_serializer = outputs.RoutingOutput
    input_serializer = inputs.RoutingInput
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def write_context(self, instance: Any) -> dict[str, Any]:
        return {"plant": instance.item.plant, "routing": instance} if instance else {}

    def write(self, data: dict[str, Any], instance: Any) -> models.Model:
        return save_routing(item=data["item"], operations=data["operations"], notes=data["notes"])


@documented(
    "changeover",
    "changeovers",
    "Minutes to change over between product families (codes), on a work centre or a "
    "machine (codes; exactly one of the two).",
    writes=ALL_WRITES,
)
class ChangeoverViewSet(MasterDataViewSet):
    queryset = Changeover.objects.select_related(
        "plant", "from_family", "to_family", "work_centre", "machine"
    )
    output_serializer = outputs.ChangeoverOutput
    input_serializer = inputs.ChangeoverInput


@documented(
    "shift pattern",
    "shift patterns",
    "Weekly shift patterns with their shifts, in plant-local time. Written whole: the "
    "shifts sent replace the pattern's shifts.",
    writes=("create", "update", "destroy"),
)
class ShiftPatternViewSet(MasterDataViewSet):
    permission_classes = [CalendarPermission]
    queryset = ShiftPattern.objects.select_related("plant").prefetch_related("shifts")
    output_serializer = outputs.ShiftPatternOutput
    input_serializer = inputs.ShiftPatternInput
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def write(self, data: dict[str, Any], instance: Any) -> models.Model:
        return save_shift_pattern(pattern=instance, **data)


@documented(
    "calendar exception",
    "calendar exceptions",
    "Holidays, maintenance windows and extra shifts, for the plant or one machine (code). "
    "They cannot be changed: delete one and create another.",
    writes=("create", "destroy"),
)
class CalendarExceptionViewSet(MasterDataViewSet):
    permission_classes = [CalendarPermission]
    queryset = CalendarException.objects.select_related("plant", "machine")
    output_serializer = outputs.CalendarExceptionOutput
    input_serializer = inputs.CalendarExceptionInput
    http_method_names = ["get", "post", "delete", "head", "options"]

    def write(self, data: dict[str, Any], instance: Any) -> models.Model:
        return save_calendar_exception(**data)


@documented(
    "overtime offer",
    "overtime offers",
    "Windows in which a machine (code) may work beyond its shifts, at a cost per hour. "
    "They cannot be changed: delete one and create another.",
    writes=("create", "destroy"),
)
class OvertimeOfferViewSet(MasterDataViewSet):
    permission_classes = [CalendarPermission]
    queryset = OvertimeOffer.objects.select_related("plant", "machine")
    output_serializer = outputs.OvertimeOfferOutput
    input_serializer = inputs.OvertimeOfferInput
    http_method_names = ["get", "post", "delete", "head", "options"]

    def write(self, data: dict[str, Any], instance: Any) -> models.Model:
        data.pop("plant")
        return save_overtime_offer(**data)
