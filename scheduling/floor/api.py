"""Shop-floor API for machine terminals and MES: the same services as the tablet pages, with
the same idempotency (client event ids) and optimistic concurrency (If-Match: version)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plant.access import access_plant_code, check_role
from plant.api.authentication import token_of
from plant.api.errors import ErrorOutput
from plant.errors import NotFound, PermissionDenied
from scheduling.access import (
    FLOOR,
    access_machine_code,
    access_operator,
    access_reason,
    access_step,
    may_record_floor_events,
)
from scheduling.errors import PreconditionRequired
from scheduling.floor import operations, selectors
from scheduling.floor.actions import (
    MachineAction,
    StepAction,
    record_machine_action,
    record_step_action,
)
from scheduling.floor.serializers import (
    DowntimeReasonOut,
    EventOut,
    FloorListOut,
    MachineEventIn,
    OperationEventIn,
)
from scheduling.models import DowntimeReason, ProductionOrder

ERROR_TEXT = {
    400: "Invalid input; `detail` names the fields.",
    401: "No valid API token or session.",
    403: "A read-only token, or a role that may not record shop-floor events.",
    404: "No such plant, machine or order (or not yours).",
    409: "The state does not allow it, or the id names another action.",
    412: "If-Match names an older version: reload and decide again.",
    422: "A rule is broken (predecessor not started, quantities).",
    428: "If-Match is missing.",
}
ERRORS = {code: OpenApiResponse(ErrorOutput, description=text) for code, text in ERROR_TEXT.items()}
READ_ERRORS = {code: ERRORS[code] for code in (400, 401, 404)}

OPERATION_EXAMPLES = [
    OpenApiExample(
        "Start a step",
        request_only=True,
        value={
            "id": "5f0c1a52-8d1e-4b8e-9a57-0d6f4f1c2b10",
            "plant": "NW1",
            "order": "SO-24114",
            "operation": 10,
            "action": "start",
            "machine": "SAW-01",
            "operator": "1001",
        },
    ),
    OpenApiExample(
        "Complete a step with quantities",
        request_only=True,
        value={
            "id": "9b2d7e61-3c4a-4f0e-8d1b-6a5c4e3f2a19",
            "plant": "NW1",
            "order": "SO-24114",
            "operation": 10,
            "action": "complete",
            "good": "118",
            "scrap": "2",
            "operator": "1001",
        },
    ),
]
MACHINE_EXAMPLES = [
    OpenApiExample(
        "A machine breaks down",
        request_only=True,
        value={
            "id": "2c8e4f0a-7b1d-4e6a-9c3f-1d2e3f4a5b6c",
            "plant": "NW1",
            "machine": "MIL-02",
            "action": "down",
            "reason": "breakdown",
            "expected_return": "2025-04-22T12:00:00Z",
            "note": "Spindle bearing noise.",
        },
    ),
]

_ROW = {
    "order": "SO-24114",
    "item": "BRK-900",
    "quantity": "120.000",
    "operation": 20,
    "operation_name": "Mill",
    "version": 0,
    "planned_start": "2025-04-22T06:00:00Z",
    "planned_end": "2025-04-22T08:15:00Z",
    "components": "ready",
}
LIST_EXAMPLE = OpenApiExample(
    "A machine's list",
    response_only=True,
    value={
        "plant": "NW1",
        "machine": {"code": "MIL-02", "status": "available", "version": 2},
        "active": [
            {
                **_ROW,
                "status": "running",
                "version": 1,
                "actual_start": "2025-04-22T06:04:00Z",
                "good_quantity": "0.000",
            }
        ],
        "next": [
            {
                **_ROW,
                "order": "SO-24120",
                "status": "planned",
                "actual_start": None,
                "good_quantity": None,
            }
        ],
    },
)
REASONS_EXAMPLE = OpenApiExample(
    "The catalogue",
    response_only=True,
    value=[
        {"code": "breakdown", "name": "Breakdown", "kind": "unplanned"},
        {"code": "planned-maintenance", "name": "Planned maintenance", "kind": "planned"},
    ],
)


def check_token_may_write(request: Request) -> None:
    """A read-only API token may look at the shop floor but not record on it (403)."""
    token = token_of(request)
    if token is not None and not token.can_write:
        raise PermissionDenied("This API token is read-only.")


def _order(user: Any, data: dict[str, Any]) -> ProductionOrder:
    """The order an event names, with its plant, and whether the user may record: one query
    on the way that succeeds; the failures look further to say what is wrong."""
    order: ProductionOrder | None = (
        ProductionOrder.objects.for_user(user)
        .filter(plant__code=data["plant"], external_ref=data["order"])
        .select_related("plant")
        .annotate(may_record=may_record_floor_events(user))
        .first()
    )
    if order is None:
        plant = access_plant_code(user, data["plant"])
        check_role(user, FLOOR, "record shop-floor events")
        raise NotFound(f"No order '{data['order']}' in plant {plant.code}.")
    if not order.may_record:  # type: ignore[attr-defined]
        raise PermissionDenied("Your role does not allow you to record shop-floor events.")
    return order


def if_match(request: Request) -> int:
    """The version in If-Match ("3", W/"3" or 3); 428 without it."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise PreconditionRequired("Send If-Match with the version you last read.")
    try:
        return int(raw.removeprefix("W/").strip('"'))
    except ValueError:
        raise PreconditionRequired('If-Match must be a version number, e.g. "3".') from None


def _answer(outcome: operations.EventOutcome) -> Response:
    body = {"id": str(outcome.event.pk), "replayed": outcome.replayed, **outcome.result}
    response = Response(EventOut(body).data, status=200 if outcome.replayed else 201)
    if "operation" in outcome.result:
        response["ETag"] = f'"{outcome.result["operation"]["version"]}"'
    elif "version" in outcome.result["machine"]:
        response["ETag"] = f'"{outcome.result["machine"]["version"]}"'
    return response


class FloorOperationsView(APIView):
    @extend_schema(
        summary="A machine's shop-floor list",
        description="What runs on the machine now, then what is still to do on it in the "
        "published sequence, each with its state and version (for If-Match).",
        parameters=[
            OpenApiParameter("plant", str, required=True, description="Plant code."),
            OpenApiParameter("machine", str, required=True, description="Machine code."),
        ],
        responses={200: FloorListOut, **READ_ERRORS},
        examples=[LIST_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        plant = access_plant_code(request.user, request.query_params.get("plant", ""))
        machine = access_machine_code(plant, request.query_params.get("machine", ""))
        rows = selectors.dispatch_rows(plant, machine)
        data = {"plant": plant.code, "machine": machine, "active": rows["active"]}
        return Response(FloorListOut({**data, "next": rows["todo"]}).data)


class OperationEventView(APIView):
    @extend_schema(
        summary="Start, pause, resume, report quantities of, or complete a routing step",
        description="One append-only event. `id` is the client's: a retry with the same id "
        "returns the first answer (200, `replayed`) and never counts twice. If-Match carries "
        "the step's version as last read (0 for a step never touched): 412 when it changed, "
        "428 when missing. 201 on the first recording, with ETag the new version. `report` "
        "and `complete` take good and scrap made since the last report; more than "
        "FLOOR_QUANTITY_TOLERANCE_PCT over the order quantity is 422 quantity_above_order "
        "unless `confirm_over_quantity`.",
        request=OperationEventIn,
        examples=OPERATION_EXAMPLES,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        responses={201: EventOut, 200: EventOut, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        check_token_may_write(request)
        data = _valid(OperationEventIn, request)
        order = _order(request.user, data)
        plant = order.plant
        version = if_match(request)
        action = data["action"]
        step = StepAction(
            action=action,
            event_id=data["id"],
            order=order,
            operation=access_step(order, sequence=data["operation"]),
            actor=operations.Actor(request.user, access_operator(plant, data.get("operator"))),
            expected_version=version,
            note=data.get("note", ""),
            machine=access_machine_code(plant, data.get("machine", ""))
            if action == "start"
            else None,
            reason=access_reason(data.get("reason")) if action == "pause" else None,
            good=data.get("good"),
            scrap=data.get("scrap") or Decimal(0),
            confirm_over=data["confirm_over_quantity"],
        )
        return _answer(record_step_action(step))


class MachineEventView(APIView):
    @extend_schema(
        summary="Mark a machine down or up, record downtime, add a note",
        description="One append-only event with the client's `id` (a retry returns the first "
        "answer). `down` needs a reason and may give `expected_return`; `downtime` needs a "
        "reason and `minutes` (a stop already over, ending now); `note` needs `note`. "
        "`down` and `up` change the machine's state: If-Match carries the machine's version "
        "as last read (`machine.version` in the list or an earlier answer, 0 for a machine "
        "never down): 412 when it changed, 428 when missing. `downtime` and `note` record "
        "facts that do not depend on the state and need no If-Match.",
        request=MachineEventIn,
        examples=MACHINE_EXAMPLES,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={201: EventOut, 200: EventOut, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        check_token_may_write(request)
        data = _valid(MachineEventIn, request)
        plant = access_plant_code(request.user, data["plant"])
        check_role(request.user, FLOOR, "record shop-floor events")
        machine = access_machine_code(plant, data["machine"])
        action = data["action"]
        act = MachineAction(
            action=action,
            event_id=data["id"],
            machine=machine,
            actor=operations.Actor(request.user, access_operator(plant, data.get("operator"))),
            note=data.get("note", ""),
            reason=access_reason(data.get("reason")) if action in ("down", "downtime") else None,
            expected_return=data.get("expected_return"),
            minutes=data.get("minutes") or 0,
            expected_version=if_match(request) if action in ("down", "up") else None,
        )
        return _answer(record_machine_action(act))


class DowntimeReasonsView(APIView):
    @extend_schema(
        summary="The downtime reason catalogue",
        description="Reason codes for pausing an operation, marking a machine down and "
        "recording downtime. Planned reasons do not count against OEE availability.",
        responses={200: DowntimeReasonOut(many=True), 401: ERRORS[401]},
        examples=[REASONS_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        reasons = DowntimeReason.objects.filter(is_active=True)
        return Response(DowntimeReasonOut(reasons, many=True).data)


def _valid(serializer: Any, request: Request) -> dict[str, Any]:
    s = serializer(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)
