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
def no_enqueue(monkeypatch):
    """Capture what would be sent to the broker instead of sending it."""
    from scheduling.tasks import solve_run_task

    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(
        solve_run_task, "delay", lambda run_id, attempt: sent.append((run_id, attempt))
    )
    return sent
