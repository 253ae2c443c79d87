"""Benchmark: bulk upsert of production orders through the ERP API, on PostgreSQL.

    DATABASE_URL=postgres://… python -m bench.api [--orders 5000] [--budget 10]

Creates a throwaway test database (test_<name>), a plant with made items and a write
token, then times `POST /api/v1/orders/bulk/` in-process through the whole stack (token
authentication, parsing, validation, the upsert, the audit log): once creating every
order, once changing every order. Exits 1 if either is over the budget (seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from typing import Any


def rows(count: int, items: int, quantity: int) -> list[dict[str, Any]]:
    start = dt.datetime(2030, 1, 7, 6, tzinfo=dt.UTC)
    return [
        {
            "external_ref": f"SO-{n:06d}",
            "item": f"ITEM-{n % items:03d}",
            "quantity": str(quantity + n % 7),
            "release_at": (start + dt.timedelta(hours=n % 200)).isoformat(),
            "due_at": (start + dt.timedelta(days=10, hours=n % 300)).isoformat(),
            "priority": 1 + n % 4,
        }
        for n in range(count)
    ]


def timed_post(client: Any, token: str, body: list[dict[str, Any]]) -> tuple[float, Any]:
    payload = json.dumps({"orders": body})
    started = time.perf_counter()
    response = client.post(
        "/api/v1/orders/bulk/?plant=BENCH",
        payload,
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"bulk upsert failed: {response.status_code} {response.content[:500]!r}")
    return elapsed, response.json()


def run(count: int, budget: float) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    from plant.models import Item, Plant
    from tests.factories.tokens import issue_token

    if connection.vendor != "postgresql":
        sys.stderr.write("bench-api needs PostgreSQL: set DATABASE_URL=postgres://…\n")
        return 2
    old = setup_databases(verbosity=0, interactive=False)
    try:
        plant = Plant.objects.create(code="BENCH", name="Bench plant")
        Item.objects.bulk_create(
            [Item(plant=plant, code=f"ITEM-{i:03d}", name=f"Item {i}") for i in range(50)]
        )
        token = issue_token(plant, username="bench-erp").secret
        client = Client()
        created_s, created = timed_post(client, token, rows(count, 50, 10))
        changed_s, changed = timed_post(client, token, rows(count, 50, 20))
        worst = max(created_s, changed_s)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        sys.stdout.write(
            f"bulk upsert of {count} orders on PostgreSQL {version}\n"
            f"  create: {created_s:6.2f} s  ({len(created['created'])} created)\n"
            f"  update: {changed_s:6.2f} s  ({len(changed['updated'])} updated)\n"
            f"  budget: {budget:.1f} s -> {'OK' if worst <= budget else 'OVER BUDGET'}\n"
        )
        return 0 if worst <= budget else 1
    finally:
        teardown_databases(old, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plant.settings.test")
    import django

    django.setup()
    sys.exit(run(args.orders, args.budget))


if __name__ == "__main__":
    main()
