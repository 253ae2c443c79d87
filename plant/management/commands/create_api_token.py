"""Issue an API token from the command line (the same service as the Integrations page)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plant.errors import DomainError
from plant.integrations.tokens import create_api_token
from plant.models import ApiToken, Plant


class Command(BaseCommand):
    help = "Create an API token for an integration user and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="Integration user (created if new).")
        parser.add_argument("--plant", action="append", required=True, help="Plant code; repeat.")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default="read")
        parser.add_argument("--days", type=int, default=365, help="Days until it expires.")
        parser.add_argument("--name", default="", help="What uses it.")

    def handle(self, *args: Any, **options: Any) -> None:
        plants = list(Plant.objects.filter(code__in=options["plant"]))
        missing = set(options["plant"]) - {p.code for p in plants}
        if missing:
            raise CommandError(f"No plant with code {', '.join(sorted(missing))}.")
        try:
            issued = create_api_token(
                created_by=None,
                username=options["user"],
                name=options["name"],
                plants=plants,
                scope=options["scope"],
                expires_in_days=options["days"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(issued.secret)
