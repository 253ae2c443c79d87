"""Conventions of the ERP routes: the plant named by `?plant=CODE`, weak ETags on reads."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from plant.access import access_plant_code
from plant.errors import NotFound
from plant.models import Plant

PLANT_PARAMETER = OpenApiParameter(
    "plant",
    OpenApiTypes.STR,
    required=True,
    description="Code of the plant the record belongs to (external references are unique "
    "per plant).",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="An ETag from an earlier read: 304 without a body if nothing changed.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag you sent.")


def plant_from_query(request: Request) -> Plant:
    """The caller's plant named by `?plant=CODE`; 404 if it is not one of theirs."""
    code = request.query_params.get("plant", "")
    if not code:
        raise NotFound("Say which ?plant=CODE.")
    return access_plant_code(request.user, code)


def etag_of(data: Any) -> str:
    """A weak ETag of the representation itself, so any change a client could see changes it."""
    body = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True).encode()
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def conditional_response(request: Request, data: Any, status: int = 200) -> Response:
    """`data` with its ETag, or 304 when the client's If-None-Match already has it."""
    etag = etag_of(data)
    sent = request.headers.get("If-None-Match", "")
    if status == 200 and etag in {tag.strip() for tag in sent.split(",")}:
        return Response(status=304, headers={"ETag": etag})
    return Response(data, status=status, headers={"ETag": etag})
