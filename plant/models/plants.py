from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from plant.models.base import PlantScopedQuerySet, Timestamped, code_validator


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (e.g. Europe/Berlin).")


class Role(models.TextChoices):
    """Roles are Django groups with these names; plant scope comes from PlantMembership."""

    MANAGER = "Plant manager"
    SUPERVISOR = "Supervisor"
    QUALITY = "Quality"
    ERP = "ERP integration"
    VIEWER = "Viewer"


class PlantQuerySet(PlantScopedQuerySet):
    plant_path = "pk"

    def for_user(self, user: Any) -> PlantQuerySet:
        if not user.is_authenticated:
            return self.none()
        scoped = self.within_token_plants(user)
        if user.is_superuser:
            return scoped
        return scoped.filter(memberships__user=user)


class Plant(Timestamped):
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=120)
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_time_zone],
        help_text="Shifts and calendars are in this time zone.",
    )

    objects = PlantQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class PlantMembership(Timestamped):
    """A user's access to one plant. What they may do there comes from their role groups."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plant_memberships"
    )
    plant = models.ForeignKey(Plant, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["plant__code", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plant"], name="membership_unique_user_plant")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.plant.code}"
