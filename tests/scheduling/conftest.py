from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from plant.models import Plant


@pytest.fixture
def demo_plant(db) -> Plant:
    call_command("load_demo_plant", no_users=True, today=timezone.localdate())
    return Plant.objects.get(code="NW1")


@pytest.fixture
def horizon() -> tuple[dt.datetime, dt.datetime]:
    start = timezone.now().replace(second=0, microsecond=0)
    return start, start + dt.timedelta(days=35)


@pytest.fixture
def no_enqueue(monkeypatch) -> list[tuple[int, int]]:
    """Send nothing to the broker; the list holds the (run, attempt) of each solve that
    would have been sent."""
    from plant import queue
    from scheduling.planning.worker import SOLVE_RUN

    solves: list[tuple[int, int]] = []

    def send(task: str, args: tuple, countdown: float | None = None) -> None:
        if task == SOLVE_RUN:
            solves.append(tuple(args))

    monkeypatch.setattr(queue, "send", send)
    return solves
