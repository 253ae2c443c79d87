"""Plain hooks: higher layers (webhooks, quality) register listeners for scheduling events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

_listeners: dict[str, list[Callable[[Any], None]]] = defaultdict(list)


def register(event: str, listener: Callable[[Any], None]) -> None:
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def announce(event: str, subject: Any) -> None:
    """Call the event's listeners after the current transaction commits. A listener that
    fails is logged and stops neither the others nor the answer to the committed write."""
    for listener in list(_listeners[event]):
        transaction.on_commit(lambda listener=listener: listener(subject), robust=True)  # type: ignore[misc]
