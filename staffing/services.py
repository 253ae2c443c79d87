"""Operators: creating them, setting PINs, identifying at a shared tablet."""

from __future__ import annotations

import re

from django.db import transaction

from plant.models import Plant
from staffing.errors import OperatorNotIdentified, PinInvalid
from staffing.models import Operator

PIN_PATTERN = re.compile(r"^\d{4,8}$")


def _check_pin_shape(pin: str) -> None:
    if not PIN_PATTERN.match(pin):
        raise PinInvalid("A PIN is 4 to 8 digits.", detail={"pin": ["4 to 8 digits."]})


def save_operator(*, plant: Plant, badge: str, name: str, pin: str | None = None) -> Operator:
    """Create or update the operator with this badge in the plant; a given PIN replaces the old.

    A new operator needs a PIN. The PIN is stored hashed with Django's password hashers.
    """
    badge = badge.strip()
    with transaction.atomic():
        operator = Operator.objects.filter(plant=plant, badge=badge).first()
        if operator is None:
            if pin is None:
                raise PinInvalid("A new operator needs a PIN.", detail={"pin": ["Required."]})
            operator = Operator(plant=plant, badge=badge)
        operator.name = name.strip()
        if pin is not None:
            _check_pin_shape(pin)
            operator.set_pin(pin)
        operator.full_clean()
        operator.save()
    return operator


def identify_operator(*, plant: Plant, badge: str, pin: str) -> Operator:
    """The active operator with this badge and PIN. One message for an unknown badge and a
    wrong PIN, so a tablet does not tell which badge numbers exist."""
    operator = Operator.objects.active().filter(plant=plant, badge=badge.strip()).first()
    if operator is None or not operator.check_pin(pin):
        raise OperatorNotIdentified("Badge number or PIN is wrong.")
    return operator
