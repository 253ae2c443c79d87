from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plant.access import access_plant
from plant.api.serializers import ErrorOutput
from plant.errors import NotFound
from plant.models import Machine, Plant
from scheduling.api.serializers import DispatchListOut
from scheduling.models import ScheduleRun
from scheduling.selectors import dispatch_list


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
        plant = (
            Plant.objects.for_user(request.user)
            .filter(code=request.query_params.get("plant", ""))
            .first()
        )
        if plant is None:
            raise NotFound("No such plant.")
        plant = access_plant(request.user, plant.pk)
        code = request.query_params.get("machine", "")
        if not Machine.objects.filter(plant=plant, code=code).exists():
            raise NotFound(f"No machine '{code}' in plant {plant.code}.")
        run = ScheduleRun.objects.for_plant(plant).published().first()
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
