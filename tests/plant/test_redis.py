"""Redis holds two things that must not touch: the broker's queues and the cache."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from plant.settings.base import redis_database, redis_database_number


def test_the_cache_takes_the_database_after_the_brokers_unless_told_otherwise() -> None:
    assert redis_database("redis://redis:6379/0", 1) == "redis://redis:6379/1"
    assert redis_database("redis://:secret@redis:6380", 1) == "redis://:secret@redis:6380/1"
    assert redis_database_number("redis://redis:6379/4") == 4
    assert redis_database_number("redis://redis:6379") == 0


@pytest.mark.redis
def test_clearing_the_cache_leaves_the_queued_tasks_alone() -> None:
    import redis

    from plant.celery import app

    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("default")
    app.send_task("scheduling.sweep_stale_runs")
    cache.set("throttle-count", 3)
    try:
        cache.clear()
        assert cache.get("throttle-count") is None
        assert broker.llen("default") == 1
    finally:
        broker.delete("default")
