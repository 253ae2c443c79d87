"""Pieces every master-data model shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.core.validators import RegexValidator
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$",
    "Use letters, digits, '.', '-', '_' or '/', starting with a letter or digit.",
)


class PlantScopedQuerySet(models.QuerySet[Any]):
    """Reads scoped to the plants a user belongs to."""

    plant_path = "plant"

    def for_plant(self, plant: Any) -> Self:
        return self.filter(**{self.plant_path: plant})

    def for_user(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        scoped = self.within_token_plants(user)
        if user.is_superuser:
            return scoped
        return scoped.filter(**{f"{self.plant_path}__memberships__user": user})

    def within_token_plants(self, user: Any) -> Self:
        """A caller authenticated by an API token sees only the token's plants."""
        plant_ids: frozenset[int] | None = getattr(user, "token_plant_ids", None)
        if plant_ids is None:
            return self.all()
        return self.filter(**{f"{self.plant_path}__in": plant_ids})


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
