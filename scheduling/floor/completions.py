"""Completions over the ERP API: the routing steps the shop floor completed, for back-flushing
and progress in the ERP, read incrementally with `updated_since`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from plant.api.conditional import PLANT_PARAMETER, plant_from_query
from plant.api.filters import parse_updated_since
from plant.api.pagination import ordered_pagination
from plant.api.permissions import ApiPermission
from plant.models import Operation
from scheduling.models import OperationExecution
from scheduling.orders.api import errors


class CompletionOutput(serializers.Serializer[Any]):
    order = serializers.CharField(source="order.external_ref", help_text="Order reference.")
    item = serializers.CharField(source="order.item.code")
    operation = serializers.IntegerField(source="operation.sequence", help_text="Routing step.")
    operation_name = serializers.CharField(source="operation.name")
    last_step = serializers.BooleanField(
        help_text="True for the routing's last step: its good quantity is finished goods."
    )
    machine = serializers.CharField(source="machine.code", allow_null=True)
    good_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    scrap_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    actual_start = serializers.DateTimeField()
    actual_end = serializers.DateTimeField()
    operator = serializers.CharField(
        source="completed_by.badge", allow_null=True, help_text="Badge of who completed it."
    )
    updated_at = serializers.DateTimeField()


EXAMPLE = OpenApiExample(
    "A completed step",
    response_only=True,
    value={
        "next": None,
        "previous": None,
        "results": [
            {
                "order": "SO-77001",
                "item": "BRK-900",
                "operation": 30,
                "operation_name": "Weld",
                "last_step": True,
                "machine": "WLD-01",
                "good_quantity": "248.000",
                "scrap_quantity": "2.000",
                "actual_start": "2025-03-06T06:02:00Z",
                "actual_end": "2025-03-06T11:47:00Z",
                "operator": "1001",
                "updated_at": "2025-03-06T11:47:00Z",
            }
        ],
    },
)


class CompletionListView(GenericAPIView[OperationExecution]):
    permission_classes = [ApiPermission]
    serializer_class = CompletionOutput
    pagination_class = ordered_pagination("updated_at", "pk")

    @extend_schema(
        summary="Read completed operations",
        description="Every routing step the shop floor completed in the plant, oldest change "
        "first: order, step, machine, good and scrap, actual start and end, and the operator. "
        "Filter by `order` (external reference); `updated_since` returns only completions "
        "recorded or changed since then, for incremental sync. Cursor-paginated.",
        parameters=[
            PLANT_PARAMETER,
            OpenApiParameter("order", OpenApiTypes.STR, description="Order external reference."),
            OpenApiParameter(
                "updated_since", OpenApiTypes.DATETIME, description="ISO 8601 datetime."
            ),
        ],
        responses={200: CompletionOutput(many=True), **errors(400, 401, 404)},
        examples=[EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CompletionOutput(page, many=True).data)

    def get_queryset(self) -> models.QuerySet[OperationExecution]:
        params: Any = self.request.query_params
        completions = OperationExecution.objects.filter(
            plant=plant_from_query(self.request), status=OperationExecution.Status.COMPLETED
        ).select_related("order__item", "operation", "machine", "completed_by")
        last = Operation.objects.filter(routing=OuterRef("operation__routing")).order_by(
            "-sequence"
        )
        completions = completions.annotate(
            last_step=ExpressionWrapper(
                Q(operation__sequence=Subquery(last.values("sequence")[:1])),
                output_field=BooleanField(),
            )
        )
        if params.get("order"):
            completions = completions.filter(order__external_ref=params["order"])
        if params.get("updated_since"):
            since = parse_updated_since(params["updated_since"], "updated_since")
            completions = completions.filter(updated_at__gte=since)
        return completions
