"""With Redis unreachable, pages and the API still answer: the cache fails open."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories.tokens import bearer, issue_token

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "plant.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.API_THROTTLE_RATE = "2/minute"
    yield
    cache.close()


def test_the_cache_misses_drops_writes_and_counts_zero_without_raising(redis_down) -> None:
    cache.set("k", 1)
    assert cache.get("k") is None and cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is False and cache.incr("k") == 0
    started = time.monotonic()
    for _ in range(100):
        cache.get("k")
    assert time.monotonic() - started < 0.5  # left alone for a while: no timeout per call


def test_sessions_come_from_the_database_and_the_rate_limit_lets_requests_through(
    redis_down, plant, manager
) -> None:
    page = Client()
    page.force_login(manager)
    assert page.get("/").status_code == 200
    assert page.get("/api/v1/plants/").status_code == 200
    api = Client(**bearer(issue_token(plant)))
    assert [api.get("/api/v1/plants/").status_code for _ in range(4)] == [200] * 4
