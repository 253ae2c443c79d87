"""`Idempotency-Key` on POST commands: same key and body, same response; see the service."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plant.api.authentication import token_of
from plant.errors import InvalidInput
from plant.integrations.idempotency import (
    claim_idempotency_key,
    finish_idempotency_key,
    release_idempotency_key,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="Any unique string (a UUID) to make a retry safe: the same key with the same "
    "body returns the first response again (header Idempotent-Replayed: true); with another "
    "body 422; while the first request still runs 409. Keys are per token (or user) and "
    "expire after API_IDEMPOTENCY_TTL_S (24 h by default).",
)

Handler = Callable[..., Response]


def owner_of(request: Request) -> str:
    token = token_of(request)
    return f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"


def fingerprint(request: Request) -> str:
    body = json.dumps(request.data, cls=DjangoJSONEncoder, sort_keys=True)
    raw = f"{request.method} {request.get_full_path()} {body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def idempotent(handler: Handler) -> Handler:
    """Wrap an APIView POST handler; without the header it runs as usual."""

    @functools.wraps(handler)
    def wrapper(view: APIView, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            raise InvalidInput(
                "An Idempotency-Key has at most 255 characters.",
                detail={"Idempotency-Key": ["Too long."]},
            )
        row, fresh = claim_idempotency_key(
            owner=owner_of(request), key=key, fingerprint=fingerprint(request)
        )
        if not fresh:
            headers = {"Idempotent-Replayed": "true"}
            return Response(row.response_body, status=row.response_status, headers=headers)
        try:
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:
                response = view.handle_exception(exc)  # re-raises what it cannot render
        except BaseException:
            release_idempotency_key(row=row)
            raise
        if response.status_code >= 500:
            release_idempotency_key(row=row)
        else:
            finish_idempotency_key(row=row, status=response.status_code, body=response.data)
        return response

    return wrapper
