"""Operators: creating and changing them, setting PINs, identifying at a shared tablet with a
lockout after too many wrong PINs."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from plant.models import Plant
from staffing.errors import BadgeTaken, OperatorLocked, OperatorNotIdentified, PinInvalid
from staffing.locks import lock_active_operator
from staffing.models import Operator

PIN_PATTERN = re.compile(r"^\d{4,8}$")


def check_pin_shape(pin: str) -> None:
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
            check_pin_shape(pin)
            operator.set_pin(pin)
            operator.failed_pin_attempts, operator.locked_until = 0, None
        operator.full_clean()
        operator.save()
    return operator


def create_operator(*, plant: Plant, badge: str, name: str, pin: str) -> Operator:
    """A new operator; refused when the plant already has one with this badge."""
    if Operator.objects.filter(plant=plant, badge=badge.strip()).exists():
        raise BadgeTaken(
            f"Badge {badge.strip()} is already taken in {plant.code}.",
            detail={"badge": ["Already taken."]},
        )
    return save_operator(plant=plant, badge=badge, name=name, pin=pin)


def change_operator(*, operator: Operator, name: str, is_active: bool) -> Operator:
    """Rename an operator, or deactivate (they can no longer identify) and reactivate them."""
    operator.name, operator.is_active = name.strip(), is_active
    operator.full_clean()
    operator.save(update_fields=["name", "is_active", "updated_at"])
    return operator


def set_operator_pin(*, operator: Operator, pin: str) -> Operator:
    """A new PIN (hashed); it also lifts a lockout."""
    check_pin_shape(pin)
    operator.set_pin(pin)
    operator.failed_pin_attempts, operator.locked_until = 0, None
    operator.save(update_fields=["pin_hash", "failed_pin_attempts", "locked_until", "updated_at"])
    return operator


def unlock_operator(*, operator: Operator) -> Operator:
    """Lift a lockout before it runs out (a manager who knows who is at the tablet)."""
    operator.failed_pin_attempts, operator.locked_until = 0, None
    operator.save(update_fields=["failed_pin_attempts", "locked_until", "updated_at"])
    return operator


def _attempt(operator: Operator, pin: str, now: dt.datetime) -> bool:
    """Check one PIN attempt on the locked row and count it; True when right."""
    if operator.check_pin(pin):
        if operator.failed_pin_attempts or operator.locked_until:
            unlock_operator(operator=operator)
        return True
    operator.failed_pin_attempts += 1
    if operator.failed_pin_attempts >= settings.FLOOR_PIN_MAX_ATTEMPTS:
        operator.failed_pin_attempts = 0
        operator.locked_until = now + dt.timedelta(seconds=settings.FLOOR_PIN_LOCKOUT_S)
    operator.save(update_fields=["failed_pin_attempts", "locked_until", "updated_at"])
    return False


def identify_operator(*, plant: Plant, badge: str, pin: str) -> Operator:
    """The active operator with this badge and PIN. One message for an unknown badge and a
    wrong PIN, so a tablet does not tell which badge numbers exist.

    FLOOR_PIN_MAX_ATTEMPTS wrong PINs in a row lock the badge for FLOOR_PIN_LOCKOUT_S: while
    locked, every attempt is refused (429) without looking at the PIN, the right one too. A
    right PIN resets the count. Locks the operator's row, so attempts at once all count.
    """
    with transaction.atomic(durable=True):
        operator = lock_active_operator(plant.pk, badge.strip())
        now = timezone.now()
        if operator is not None and operator.locked_until and operator.locked_until > now:
            minutes = -(-int((operator.locked_until - now).total_seconds()) // 60)
            raise OperatorLocked(
                f"Badge {operator.badge} is locked after too many wrong PINs: try again in "
                f"{minutes} min, or ask a manager to unlock it."
            )
        if operator is None:
            # Hash the PIN all the same, so an unknown badge takes as long to refuse as a
            # wrong PIN: the time of the answer does not tell which badges exist.
            make_password(pin)
        right = operator is not None and _attempt(operator, pin, now)
    if not right or operator is None:
        raise OperatorNotIdentified("Badge number or PIN is wrong.")
    return operator
