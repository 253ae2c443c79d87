"""Staffing: the people on the shop floor. Skills, certifications and rosters come later."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q

from plant.models import Plant
from plant.models.base import PlantScopedQuerySet, Timestamped


class OperatorQuerySet(PlantScopedQuerySet):
    def active(self) -> OperatorQuerySet:
        return self.filter(is_active=True)


class Operator(Timestamped):
    """A person who runs machines. Operators have no login: on a shared tablet (logged in as a
    supervisor) they identify with their badge number and a PIN, hashed like a password."""

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="operators")
    badge = models.CharField(max_length=20, help_text="The number on the operator's badge.")
    name = models.CharField(max_length=120)
    pin_hash = models.CharField(max_length=128, editable=False)
    is_active = models.BooleanField(default=True)
    # Wrong PINs in a row; at FLOOR_PIN_MAX_ATTEMPTS the badge is locked until `locked_until`.
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OperatorQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "badge"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "badge"], name="operator_unique_badge"),
            models.CheckConstraint(condition=~Q(badge=""), name="operator_badge_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.badge} · {self.name}"

    def set_pin(self, pin: str) -> None:
        self.pin_hash = make_password(pin)

    def check_pin(self, pin: str) -> bool:
        return bool(self.pin_hash) and check_password(pin, self.pin_hash)
