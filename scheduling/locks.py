"""Row locks for scheduling. Always through here, always in pk order."""

from __future__ import annotations

from scheduling.models import ScheduleRun


def lock_runs(run_ids: list[int]) -> list[ScheduleRun]:
    return list(ScheduleRun.objects.select_for_update().filter(pk__in=run_ids).order_by("pk"))
