"""Start the web server and a real Celery worker together; Ctrl-C stops both.

The embedded default: SQLite and kombu's filesystem broker, so nothing else needs to run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server and a Celery worker (queues solver and default) together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--beat", action="store_true", help="Also run Celery beat.")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        commands = [
            [python, "manage.py", "runserver", options["addrport"]],
            [
                python,
                "-m",
                "celery",
                "-A",
                "plant",
                "worker",
                "-Q",
                "solver,default",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--hostname",
                "embedded@%h",
            ],
        ]
        if options["beat"]:
            beat_schedule = settings.VAR_DIR / "celerybeat-schedule"
            commands.append(
                [python, "-m", "celery", "-A", "plant", "beat", "-s", str(beat_schedule)]
            )
        broker = (
            "Redis" if settings.REDIS_URL else f"filesystem broker in {settings.CELERY_BROKER_DIR}"
        )
        self.stdout.write(
            f"Web at http://{options['addrport']}/ · worker on {broker} · Ctrl-C stops both."
        )
        processes = [subprocess.Popen(cmd, env=env, start_new_session=True) for cmd in commands]
        # The children run in their own sessions (so Ctrl-C reaches them only through us):
        # a SIGTERM (a supervisor, `timeout`, `kill`) must stop them as Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            failed = next(p for p in processes if p.poll() is not None)
            name = " ".join(commands[processes.index(failed)][:5])
            self.stderr.write(f"{name}… exited with {failed.returncode}; stopping.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            for p in processes:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
