"""Scheduling events for webhooks: the hooks call plant's emit_event after commit."""

from __future__ import annotations

from plant.services.webhooks import emit_event
from scheduling.hooks import register
from scheduling.models import ScheduleRun

KPI_SUMMARY = ("orders", "operations", "on_time_pct", "total_tardiness_h", "makespan_at", "gap")


def run_payload(run: ScheduleRun) -> dict[str, object]:
    return {
        "run": run.pk,
        "name": run.name,
        "status": run.status,
        "horizon_start": run.horizon_start,
        "horizon_end": run.horizon_end,
        "finished_at": run.finished_at,
        "published_at": run.published_at,
        "kpis": {key: run.kpis.get(key) for key in KPI_SUMMARY},
        "url": f"/api/v1/runs/{run.pk}/",
    }


def schedule_published(run: ScheduleRun) -> None:
    emit_event(plant=run.plant, event="schedule.published", payload=run_payload(run))


def run_finished(run: ScheduleRun) -> None:
    emit_event(plant=run.plant, event="run.finished", payload=run_payload(run))


def connect() -> None:
    register("schedule.published", schedule_published)
    register("run.finished", run_finished)
