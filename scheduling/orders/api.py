"""Production orders over the ERP API: list, read, upsert by external reference, bulk."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plant.api.audit import actor_of
from plant.api.conditional import (
    IF_NONE_MATCH,
    NOT_MODIFIED,
    PLANT_PARAMETER,
    conditional_response,
    plant_from_query,
)
from plant.api.errors import ErrorOutput
from plant.api.filters import parse_updated_since
from plant.api.idempotency import IDEMPOTENCY_KEY, idempotent
from plant.api.permissions import ApiPermission
from plant.errors import InvalidInput, NotFound
from plant.models import Item, Plant
from scheduling.models import ProductionOrder, ScheduledOperation
from scheduling.orders import serializers as s
from scheduling.orders.services import cancel_order, put_order
from scheduling.orders.sync import OrderRow, upsert_orders

REF = OpenApiParameter(
    "external_ref",
    OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    description="The order's number in the ERP (unique within the plant).",
)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    described = {
        400: "Invalid input; `detail` names the fields (rows for bulk), or an "
        "Idempotency-Key over 255 characters.",
        401: "No valid API token or session.",
        403: "A read-only token, or a role that may not write.",
        404: "No such plant or record among yours.",
        409: "The record is in a state that does not allow this, or a request with this "
        "Idempotency-Key is still running.",
        422: "A rule is broken (`detail` names the field, or rows for bulk), or the "
        "Idempotency-Key was used with another body.",
    }
    return {code: OpenApiResponse(ErrorOutput, description=described[code]) for code in codes}


class OrderPermission(ApiPermission):
    action = "change production orders"


def orders_with_schedule(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Annotate when the plant's published schedule starts and ends each order."""
    ops = ScheduledOperation.objects.filter(
        run__is_published=True, run__plant=OuterRef("plant"), order=OuterRef("pk")
    )
    return queryset.select_related("plant", "item").annotate(
        scheduled_start=Subquery(ops.order_by("setup_start").values("setup_start")[:1]),
        scheduled_end=Subquery(ops.order_by("-end").values("end")[:1]),
    )


def filter_orders(queryset: models.QuerySet[Any], params: Any) -> models.QuerySet[Any]:
    if params.get("plant"):
        queryset = queryset.filter(plant__code=params["plant"])
    if params.get("status"):
        queryset = queryset.filter(status__in=params["status"].split(","))
    if params.get("item"):
        queryset = queryset.filter(item__code=params["item"])
    for name, lookup in (("due_after", "due_at__gte"), ("due_before", "due_at__lt")):
        if params.get(name):
            queryset = queryset.filter(**{lookup: parse_updated_since(params[name], name)})
    if params.get("updated_since"):
        queryset = queryset.filter(updated_at__gte=parse_updated_since(params["updated_since"]))
    return queryset


LIST_PARAMETERS = [
    OpenApiParameter("plant", OpenApiTypes.STR, description="Only this plant's orders (code)."),
    OpenApiParameter(
        "status", OpenApiTypes.STR, description="Comma-separated statuses, e.g. open,released."
    ),
    OpenApiParameter("item", OpenApiTypes.STR, description="Only orders of this item (code)."),
    OpenApiParameter("due_after", OpenApiTypes.DATETIME, description="Due at or after this."),
    OpenApiParameter("due_before", OpenApiTypes.DATETIME, description="Due before this."),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Changed at or after this (incremental sync; order by updated_at).",
    ),
]


class OrderListView(GenericAPIView[ProductionOrder]):
    permission_classes = [OrderPermission]
    serializer_class = s.OrderOutput
    filter_backends = [OrderingFilter]
    ordering_fields = ["due_at", "updated_at", "created_at", "external_ref"]
    ordering = "due_at"

    def get_queryset(self) -> models.QuerySet[ProductionOrder]:
        return orders_with_schedule(ProductionOrder.objects.for_user(self.request.user))

    @extend_schema(
        summary="List production orders",
        description="Your plants' production orders, with when the published schedule starts "
        "and ends each. Cursor-paginated; `ordering` is one of due_at, updated_at, created_at, "
        "external_ref (prefix - to reverse). For incremental sync use "
        "`updated_since=<last sync>&ordering=updated_at`.",
        parameters=LIST_PARAMETERS,
        responses={200: s.OrderOutput(many=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        queryset = filter_orders(self.get_queryset(), request.query_params)
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(s.OrderOutput(page, many=True).data)


class OrderDetailView(APIView):
    permission_classes = [OrderPermission]

    @extend_schema(
        summary="Get one production order",
        description="The order with this external reference in `?plant=CODE`, with its status "
        "and when the published schedule starts and ends it. Sends a weak ETag; repeat the "
        "read with If-None-Match to get 304 when nothing changed. Completions and quantities "
        "made arrive with the shop-floor events.",
        parameters=[REF, PLANT_PARAMETER, IF_NONE_MATCH],
        responses={200: s.OrderOutput, 304: NOT_MODIFIED, **errors(400, 401, 404)},
    )
    def get(self, request: Request, external_ref: str) -> Response:
        plant = plant_from_query(request)
        order = find_order(plant, external_ref)
        return conditional_response(request, s.OrderOutput(order).data)

    @extend_schema(
        summary="Create or replace a production order",
        description="Upsert by external reference: creates the order in `?plant=CODE` if it "
        "is new (201), else replaces its fields (200). `item` is a made item's code. A done or "
        "cancelled order can no longer be changed (409). Audited.",
        parameters=[REF, PLANT_PARAMETER],
        request=s.OrderInput,
        responses={200: s.OrderOutput, 201: s.OrderOutput, **errors(400, 401, 403, 404, 409, 422)},
    )
    def put(self, request: Request, external_ref: str) -> Response:
        plant = plant_from_query(request)
        inp = s.OrderInput(data=request.data)
        inp.is_valid(raise_exception=True)
        created = upsert_order(request, plant, external_ref, inp.validated_data)
        order = find_order(plant, external_ref)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return conditional_response(request, s.OrderOutput(order).data, status=code)


def find_order(plant: Plant, external_ref: str) -> ProductionOrder:
    order = orders_with_schedule(ProductionOrder.objects.filter(plant=plant)).filter(
        external_ref=external_ref
    )
    found: ProductionOrder | None = order.first()
    if found is None:
        raise NotFound(f"No order '{external_ref}' in plant {plant.code}.")
    return found


def upsert_order(request: Request, plant: Plant, ref: str, data: dict[str, Any]) -> bool:
    """Save one order through put_order, audited; True if it was created."""
    item = Item.objects.filter(plant=plant, code=data["item"]).first()
    if item is None:
        raise serializers.ValidationError({"item": [f"No item '{data['item']}' in {plant.code}."]})
    values = {
        name: data[name]
        for name in ("quantity", "release_at", "due_at", "priority", "status")
        if name in data
    }
    _, created = put_order(
        plant=plant, external_ref=ref, item=item, values=values, audit=actor_of(request)
    )
    return created


class OrderCancelView(APIView):
    permission_classes = [OrderPermission]

    @extend_schema(
        summary="Cancel a production order",
        description="Cancel an open or released order of `?plant=CODE` (409 once it is in "
        "progress, done or cancelled). The next schedule run leaves it out. Send an "
        "Idempotency-Key to retry safely. Audited.",
        parameters=[REF, PLANT_PARAMETER, IDEMPOTENCY_KEY],
        request=None,
        responses={200: s.OrderOutput, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent
    def post(self, request: Request, external_ref: str) -> Response:
        plant = plant_from_query(request)
        order = find_order(plant, external_ref)
        cancel_order(order=order, audit=actor_of(request))
        return Response(s.OrderOutput(find_order(plant, external_ref)).data)


class OrderBulkView(APIView):
    permission_classes = [OrderPermission]

    @extend_schema(
        summary="Create or replace many production orders",
        description="Upsert up to 10,000 orders of `?plant=CODE` by external reference in one "
        "transaction, **all or nothing**: if any row is invalid nothing is saved and "
        "`detail.rows` lists `{row, field, message}` for every failure (rows counted from 0; "
        "400 for malformed fields, 422 for broken rules such as an unknown item or a due "
        "date before the release). Rows identical to the stored order count as unchanged. "
        "Send an Idempotency-Key to retry safely. Audited per order.",
        parameters=[PLANT_PARAMETER, IDEMPOTENCY_KEY],
        request=s.OrderBulkInput,
        responses={
            200: s.OrderBulkOutput,
            **errors(400, 401, 403, 404, 409, 422),
        },
        examples=[
            OpenApiExample(
                "Two orders",
                value={
                    "orders": [
                        {"external_ref": "SO-1001", **s.ORDER_EXAMPLE},
                        {"external_ref": "SO-1002", **s.ORDER_EXAMPLE, "priority": 4},
                    ]
                },
                request_only=True,
            ),
            OpenApiExample(
                "Saved",
                value={"created": ["SO-1001"], "updated": ["SO-1002"], "unchanged": []},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "A row that breaks a rule",
                value={
                    "code": "rule_violation",
                    "message": "1 of 2 rows break a rule; nothing was saved. Row 1, item: "
                    "No item 'NOPE' in NW1.",
                    "detail": {"rows": [{"row": 1, "field": "item", "message": "No item…"}]},
                },
                response_only=True,
                status_codes=["422"],
            ),
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        plant = plant_from_query(request)
        inp = s.OrderBulkInput(data=request.data)
        if not inp.is_valid():
            raise invalid_rows(s.row_errors_of(inp.errors))
        rows = [order_row(row) for row in inp.validated_data["orders"]]
        result = upsert_orders(plant=plant, rows=rows, audit=actor_of(request))
        return Response(s.OrderBulkOutput(result).data)


def invalid_rows(rows: list[dict[str, Any]]) -> InvalidInput:
    first = rows[0]
    where = f"Row {first['row']}, " if first["row"] is not None else ""
    return InvalidInput(
        f"{where}{first['field']}: {first['message']} Nothing was saved.", detail={"rows": rows}
    )


def order_row(data: dict[str, Any]) -> OrderRow:
    return OrderRow(
        external_ref=data["external_ref"],
        item_code=data["item"],
        quantity=data["quantity"],
        release_at=data["release_at"],
        due_at=data["due_at"],
        priority=data["priority"],
        status=data.get("status"),
    )
