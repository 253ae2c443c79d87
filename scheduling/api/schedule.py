"""The published schedule over the ERP API: by machine, by order, and what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from plant.api.conditional import PLANT_PARAMETER, plant_from_query
from plant.api.filters import parse_updated_since
from plant.api.pagination import ordered_pagination
from plant.api.permissions import ApiPermission
from plant.models import Plant
from scheduling.api.orders import errors
from scheduling.api.run_serializers import ScheduledOperationOutput
from scheduling.models import ScheduledOperation, ScheduleRun


def published_operations(
    plant: Plant, changed_since: dt.datetime | None
) -> models.QuerySet[ScheduledOperation]:
    """The plant's published operations; with `changed_since`, only those that are new or
    moved (machine, start or end) compared with the schedule that was published then."""
    run = ScheduleRun.objects.for_plant(plant).published().first()
    if run is None or (changed_since and run.published_at and run.published_at < changed_since):
        return ScheduledOperation.objects.none()
    operations = ScheduledOperation.objects.filter(run=run)
    if changed_since is not None:
        then = (
            ScheduleRun.objects.filter(plant=plant, published_at__lte=changed_since)
            .exclude(pk=run.pk)
            .order_by("-published_at")
            .first()
        )
        if then is not None:
            unchanged = ScheduledOperation.objects.filter(
                run=then,
                order=OuterRef("order"),
                operation=OuterRef("operation"),
                machine_label=OuterRef("machine_label"),
                start=OuterRef("start"),
                end=OuterRef("end"),
            )
            operations = operations.exclude(Exists(unchanged))
    return operations.select_related("order__item", "operation")


class ScheduleView(GenericAPIView[ScheduledOperation]):
    permission_classes = [ApiPermission]
    serializer_class = ScheduledOperationOutput
    pagination_class = ordered_pagination("start", "pk")

    @extend_schema(
        summary="Read the published schedule",
        description="The operations of the plant's published schedule in start order, each "
        "with its order, machine and times (setup first). Filter by `machine` (code) for a "
        "machine's sequence or by `order` (external reference) for an order's operations. "
        "`changed_since` returns only the operations that are new or moved compared with the "
        "schedule that was published at that time (nothing if no schedule was published "
        "since). Empty when nothing is published. Cursor-paginated.",
        parameters=[
            PLANT_PARAMETER,
            OpenApiParameter("machine", OpenApiTypes.STR, description="Machine code."),
            OpenApiParameter("order", OpenApiTypes.STR, description="Order external reference."),
            OpenApiParameter(
                "changed_since", OpenApiTypes.DATETIME, description="ISO 8601 datetime."
            ),
        ],
        responses={200: ScheduledOperationOutput(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ScheduledOperationOutput(page, many=True).data)

    def get_queryset(self) -> models.QuerySet[ScheduledOperation]:
        params: Any = self.request.query_params
        since = params.get("changed_since")
        since_at = parse_updated_since(since, "changed_since") if since else None
        operations = published_operations(plant_from_query(self.request), since_at)
        if params.get("machine"):
            operations = operations.filter(machine_label=params["machine"])
        if params.get("order"):
            operations = operations.filter(order__external_ref=params["order"])
        return operations
