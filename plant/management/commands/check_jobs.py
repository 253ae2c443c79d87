"""Exit 1 when a periodic job is late: the health check of the beat and default-worker
containers (`docker-compose.yml`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plant.services.jobs import job_states


class Command(BaseCommand):
    help = "Say when each periodic job last ran; fail when one is late."

    def handle(self, *args: Any, **options: Any) -> None:
        states = job_states()
        for state in states:
            when = state.last_run_at.isoformat() if state.last_run_at else "not yet"
            flag = "LATE" if state.late else "ok"
            self.stdout.write(f"{flag:4} {state.task} every {state.every_s:g} s, last {when}")
        late = [s.task for s in states if s.late]
        if late:
            raise CommandError(f"late: {', '.join(late)}")
