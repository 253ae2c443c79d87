"""The embedded broker (kombu's filesystem transport) works from a fresh checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENQUEUE = """
import django
django.setup()
from plant.celery import app
app.send_task("scheduling.sweep_stale_runs")
"""


def test_the_web_process_can_enqueue_before_any_worker_has_made_the_broker_folders(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="plant.settings.dev", TAKT_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", ENQUEUE], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "broker" / "out").iterdir())) == 1
