"""Rate limits per API token (and per browser session), counted in the cache."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from plant.api.authentication import token_of


class CallerRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per token; each browser session has the same budget of
    its own (per session, not per user: a plant's shared tablets often run under one
    supervisor login, and one budget for all of them would stop the shop floor).

    Counted in fixed windows with the cache's atomic add and increment, so requests in
    parallel all count (a read-modify-write of a history let 1,300 through a 1,200 limit).
    With the cache unreachable the count reads 0 and requests go through (`plant/cache.py`).
    The rate is read from settings on every request, so it can change per environment.
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

    def allow_request(self, request: Request, view: Any) -> bool:
        limit, duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if limit is None or duration is None or key is None:
            return True
        self.key, self.duration = key, duration
        # A window opens at the caller's first request and lasts `duration`: the counter's
        # expiry closes it (an increment keeps the expiry).
        if cache.add(key, 1, timeout=duration):
            cache.set(f"{key}:since", time.time(), timeout=duration)
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # the window closed between the two calls
            return self.allow_request(request, view)
        return count <= limit

    def wait(self) -> float | None:
        since = cache.get(f"{self.key}:since")
        if since is None:
            return float(self.duration)
        return max(1.0, since + self.duration - time.time())
