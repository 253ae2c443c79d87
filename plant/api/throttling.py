"""Rate limits per API token (and per logged-in user), counted in the cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from plant.api.authentication import token_of


class CallerRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per token; each browser session has the same budget of
    its own (per session, not per user: a plant's shared tablets often run under one
    supervisor login, and one budget for all of them would stop the shop floor).

    The rate is read from settings on every request (not frozen at import), so it can be
    changed per environment and in tests.
    """

    scope = "caller"

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_THROTTLE_RATE or None
        return rate

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = token_of(request)
        if token is not None:
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            session_key = getattr(getattr(request, "session", None), "session_key", None)
            ident = f"session:{session_key}" if session_key else f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
