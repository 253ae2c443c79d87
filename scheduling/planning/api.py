"""Schedule runs over the ERP API: list, read, start (202) and publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plant.access import access_plant_code
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
from plant.api.pagination import ordered_pagination
from plant.api.permissions import ApiPermission
from plant.errors import NotFound
from plant.models import Plant
from scheduling.access import access_machine_code
from scheduling.models import ProductionOrder, ScheduledOperation, ScheduleRun
from scheduling.orders.api import errors
from scheduling.planning.run_settings import RunSettings
from scheduling.planning.runs import create_run, publish_run
from scheduling.planning.selectors import dispatch_list, published_run
from scheduling.planning.serializers import (
    DispatchListOut,
    RunOutput,
    RunStartInput,
    ScheduledOperationOutput,
)


class RunPermission(ApiPermission):
    action = "plan schedules"


def runs_for(user: Any) -> models.QuerySet[ScheduleRun]:
    return (
        ScheduleRun.objects.for_user(user)
        .select_related("plant")
        .annotate(order_count=Count("orders"))
    )


def find_run(user: Any, pk: int) -> ScheduleRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise NotFound("No such schedule run.")
    return run


class RunListView(GenericAPIView[ScheduleRun]):
    permission_classes = [RunPermission]
    serializer_class = RunOutput
    pagination_class = ordered_pagination("-created_at", "-pk")

    def get_queryset(self) -> models.QuerySet[ScheduleRun]:
        queryset = runs_for(self.request.user)
        params = self.request.query_params
        if params.get("plant"):
            queryset = queryset.filter(plant__code=params["plant"])
        if params.get("status"):
            queryset = queryset.filter(status__in=params["status"].split(","))
        return queryset

    @extend_schema(
        summary="List schedule runs",
        description="Your plants' schedule runs, newest first, with status, KPIs and gap. "
        "Cursor-paginated.",
        parameters=[
            OpenApiParameter("plant", OpenApiTypes.STR, description="Only this plant (code)."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, description="Comma-separated, e.g. succeeded."
            ),
        ],
        responses={200: RunOutput(many=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RunOutput(page, many=True).data)

    @extend_schema(
        summary="Start a schedule run",
        description="Queue a solve of the plant's orders (all open ones unless `orders` names "
        "them) over the horizon. Answers 202 at once; poll the run until its status is "
        "succeeded (or failed, cancelled, timed_out), then publish it. Send an "
        "Idempotency-Key so a retried request never starts two runs.",
        parameters=[IDEMPOTENCY_KEY],
        request=RunStartInput,
        responses={202: RunOutput, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        inp = RunStartInput(data=request.data)
        inp.is_valid(raise_exception=True)
        data = inp.validated_data
        plant = access_plant_code(request.user, data["plant"])
        run = create_run(
            plant=plant,
            name=data["name"],
            horizon_start=data["horizon_start"],
            horizon_end=data["horizon_end"],
            orders=orders_named(plant, data.get("orders")),
            settings=RunSettings.parse(data.get("settings")),
            created_by=request.user,
            audit=actor_of(request),
        )
        return Response(RunOutput(find_run(request.user, run.pk)).data, status=202)


def orders_named(plant: Plant, refs: list[str] | None) -> list[ProductionOrder] | None:
    if refs is None:
        return None
    found = {
        o.external_ref: o
        for o in ProductionOrder.objects.filter(plant=plant, external_ref__in=refs)
    }
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise serializers.ValidationError({"orders": [f"Unknown: {', '.join(missing[:20])}."]})
    return [found[ref] for ref in dict.fromkeys(refs)]


class RunDetailView(APIView):
    permission_classes = [RunPermission]

    @extend_schema(
        summary="Get one schedule run",
        description="Status, progress (best objective, bound, gap, elapsed) and, once "
        "finished, the KPIs. Sends a weak ETag (304 on If-None-Match).",
        parameters=[IF_NONE_MATCH],
        responses={200: RunOutput, 304: NOT_MODIFIED, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return conditional_response(request, RunOutput(find_run(request.user, pk)).data)


class RunPublishView(APIView):
    permission_classes = [RunPermission]

    @extend_schema(
        summary="Publish a schedule run",
        description="Make a finished run with a schedule the plant's published schedule; the "
        "previous one is kept as history. Dispatch lists and `/schedule/` follow it, and "
        "`schedule.published` webhooks are sent. 409 if the run cannot be published.",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: RunOutput, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        run = find_run(request.user, pk)
        publish_run(run=run, audit=actor_of(request))
        return Response(RunOutput(find_run(request.user, pk)).data, status=status.HTTP_200_OK)


def published_operations(
    plant: Plant, changed_since: dt.datetime | None
) -> models.QuerySet[ScheduledOperation]:
    """The plant's published operations; with `changed_since`, only those that are new or
    moved (machine, start or end) compared with the schedule that was published then."""
    run = published_run(plant)
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


class DispatchListView(APIView):
    @extend_schema(
        summary="A machine's dispatch list",
        description=(
            "The operations of the plant's published schedule on one machine, in sequence. "
            "Empty when nothing is published. Machines are named by code within the plant."
        ),
        parameters=[
            OpenApiParameter("plant", str, required=True, description="Plant code."),
            OpenApiParameter("machine", str, required=True, description="Machine code."),
        ],
        examples=[
            OpenApiExample(
                "A machine's sequence",
                value={
                    "plant": "NW1",
                    "machine": "MIL-02",
                    "run": 12,
                    "published_at": "2025-03-03T06:15:00Z",
                    "operations": [
                        {
                            "sequence": 1,
                            "order": "SO-77001",
                            "item": "BRK-900",
                            "quantity": "250.000",
                            "operation": 20,
                            "operation_name": "Mill",
                            "machine": "MIL-02",
                            "setup_start": "2025-03-05T08:00:00Z",
                            "start": "2025-03-05T08:30:00Z",
                            "end": "2025-03-05T18:55:00Z",
                            "due": "2025-03-14T16:00:00Z",
                            "pinned": False,
                        }
                    ],
                },
                response_only=True,
            )
        ],
        responses={
            200: DispatchListOut,
            400: ErrorOutput,
            401: ErrorOutput,
            404: OpenApiResponse(ErrorOutput, description="No such plant or machine of yours."),
        },
    )
    def get(self, request: Request) -> Response:
        plant = access_plant_code(request.user, request.query_params.get("plant", ""))
        code = access_machine_code(plant, request.query_params.get("machine", "")).code
        run = published_run(plant)
        operations = dispatch_list(run, code) if run else []
        for position, op in enumerate(operations, start=1):
            op.sequence = position  # type: ignore[attr-defined]
        data = {
            "plant": plant.code,
            "machine": code,
            "run": run.pk if run else None,
            "published_at": run.published_at if run else None,
            "operations": operations,
        }
        return Response(DispatchListOut(data).data)
