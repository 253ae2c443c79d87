"""Schedule runs over the ERP API: list, read, start (202) and publish."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plant.api.audit import audit_one
from plant.api.conditional import IF_NONE_MATCH, NOT_MODIFIED, conditional_response
from plant.api.idempotency import IDEMPOTENCY_KEY, idempotent
from plant.api.pagination import ordered_pagination
from plant.api.permissions import ApiPermission
from plant.errors import NotFound
from plant.models import Plant
from scheduling.api.orders import errors
from scheduling.api.run_serializers import RunOutput, RunStartInput
from scheduling.models import ProductionOrder, ScheduleRun
from scheduling.services.runs import create_run, publish_run


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
        plant = Plant.objects.for_user(request.user).filter(code=data["plant"]).first()
        if plant is None:
            raise NotFound(f"No plant '{data['plant']}' among yours.")
        orders = orders_named(plant, data.get("orders"))
        with transaction.atomic(durable=True):
            run = create_run(
                plant=plant,
                name=data["name"],
                horizon_start=data["horizon_start"],
                horizon_end=data["horizon_end"],
                orders=orders,
                settings=data.get("settings"),
                created_by=request.user,
            )
            after = {"status": run.status, "name": run.name, "settings": run.settings}
            audit_one(request, run, plant=plant, action="create", before=None, after=after)
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
        with transaction.atomic(durable=True):
            publish_run(run=run)
            audit_one(
                request,
                run,
                plant=run.plant,
                action="command",
                before={"is_published": False},
                after={"is_published": True},
            )
        return Response(RunOutput(find_run(request.user, pk)).data, status=status.HTTP_200_OK)
