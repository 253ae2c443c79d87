"""When each periodic job last ran, so that a job nobody runs any more is noticed."""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """The last run of a periodic job (a Celery beat entry), written by the worker that ran it.
    `/healthz/jobs` and `manage.py check_jobs` say when one is late."""

    task = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()
    result = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.task} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"
