"""Load the demo plant, its orders and the demo logins. Safe to run again: adds nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from plant.demo import ensure_demo_users, load_demo_master_data
from scheduling.floor.downtime import ensure_downtime_reasons
from scheduling.orders.demo import load_demo_orders
from staffing.demo import load_demo_operators


class Command(BaseCommand):
    help = "Load the Nordwerk demo plant (master data, calendars, orders, operators, users)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Anchor date (YYYY-MM-DD); calendars and orders are placed from its week.",
        )
        parser.add_argument("--no-users", action="store_true", help="Do not create demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        plant, created = load_demo_master_data(today=today)
        orders = load_demo_orders(plant=plant, today=today)
        ensure_downtime_reasons()
        operators = load_demo_operators(plant=plant)
        verb = "Loaded" if created else "Already there:"
        self.stdout.write(f"{verb} demo plant {plant} ({orders} new orders).")
        if not options["no_users"]:
            for username, password, role in ensure_demo_users(plant=plant):
                self.stdout.write(f"  login {username!r} / password {password!r} ({role})")
            for badge, name, pin in operators:
                self.stdout.write(f"  shop-floor operator {name}: badge {badge} / PIN {pin}")
