"""The cache fails open: Redis is a cache and a broker, never the thing a request dies of.

With Redis unreachable, a read misses, a write is dropped and a counter reads 0; each failure
is logged, and Redis is left alone for FAIL_OPEN_S before it is tried again, so an outage
costs a request nothing. What relies on the cache degrades: sessions come from the database
(`cached_db` writes through to it), the API's rate limit lets requests through.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
FAIL_OPEN_S = 5.0


def _fail_open(when_down: Any) -> Callable[[F], F]:
    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < self.down_until:
                return when_down(*args, **kwargs) if callable(when_down) else when_down
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.down_until = time.monotonic() + FAIL_OPEN_S
                log.error("cache unreachable (%s): failing open for %.0f s", error, FAIL_OPEN_S)
                return when_down(*args, **kwargs) if callable(when_down) else when_down

        return call  # type: ignore[return-value]

    return wrap


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return kwargs.get("default", default)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, failing open (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.down_until = 0.0

    get = _fail_open(_default)(RedisCache.get)
    get_many = _fail_open({})(RedisCache.get_many)
    set = _fail_open(None)(RedisCache.set)
    add = _fail_open(False)(RedisCache.add)
    set_many = _fail_open([])(RedisCache.set_many)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    delete_many = _fail_open(None)(RedisCache.delete_many)
    has_key = _fail_open(False)(RedisCache.has_key)
    incr = _fail_open(0)(RedisCache.incr)
    clear = _fail_open(None)(RedisCache.clear)
