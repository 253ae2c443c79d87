"""/healthz: is the database reachable, and is the broker? /healthz/jobs: have the periodic
jobs run lately?"""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse

from plant.celery import app as celery_app


def _check_database() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "error": str(error)}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _check_broker() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as error:
        return {"ok": False, "error": str(error)}
    return {
        "ok": True,
        "transport": str(transport),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503
    )


def healthz_jobs(request: HttpRequest) -> JsonResponse:
    """The periodic jobs and when each last ran; 503 when one is late (its worker or beat
    stopped): for monitoring and the containers' health checks, not for a load balancer."""
    from plant.services.jobs import job_states

    states = job_states()
    late = [s.task for s in states if s.late]
    body = {"status": "late" if late else "ok", "jobs": [s.as_json() for s in states]}
    return JsonResponse(body, status=503 if late else 200)
