"""Wrong PINs lock a badge for a while; a right PIN, a new PIN or a manager lifts it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from staffing.errors import OperatorLocked, OperatorNotIdentified
from staffing.models import Operator
from staffing.services import identify_operator, save_operator, set_operator_pin, unlock_operator

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
PIN = "246810"


@pytest.fixture
def kim(plant, settings) -> Operator:
    settings.FLOOR_PIN_MAX_ATTEMPTS = 3
    settings.FLOOR_PIN_LOCKOUT_S = 600
    return save_operator(plant=plant, badge="77", name="Kim", pin=PIN)


def wrong(plant, times: int) -> None:
    for _ in range(times):
        with pytest.raises(OperatorNotIdentified):
            identify_operator(plant=plant, badge="77", pin="000000")


def test_three_wrong_pins_lock_the_badge_and_then_even_the_right_pin_is_refused(plant, kim):
    wrong(plant, 3)
    with pytest.raises(OperatorLocked, match="try again in 10 min") as locked:
        identify_operator(plant=plant, badge="77", pin=PIN)
    assert locked.value.status == 429
    kim.refresh_from_db()
    assert kim.locked_until is not None and kim.locked_until > timezone.now()


def test_a_right_pin_before_the_limit_resets_the_count(plant, kim):
    wrong(plant, 2)
    assert identify_operator(plant=plant, badge="77", pin=PIN) == kim
    wrong(plant, 2)
    assert identify_operator(plant=plant, badge="77", pin=PIN) == kim
    kim.refresh_from_db()
    assert kim.failed_pin_attempts == 0 and kim.locked_until is None


def test_the_lock_runs_out_after_the_lockout_period(plant, kim):
    wrong(plant, 3)
    Operator.objects.filter(pk=kim.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert identify_operator(plant=plant, badge="77", pin=PIN) == kim


def test_a_manager_unlocks_a_badge_or_sets_a_new_pin(plant, kim):
    wrong(plant, 3)
    unlock_operator(operator=Operator.objects.get(pk=kim.pk))
    assert identify_operator(plant=plant, badge="77", pin=PIN) == kim
    wrong(plant, 3)
    set_operator_pin(operator=Operator.objects.get(pk=kim.pk), pin="1357")
    assert identify_operator(plant=plant, badge="77", pin="1357") == kim


def test_an_unknown_badge_is_never_locked_and_says_the_same_as_a_wrong_pin(plant, kim):
    for _ in range(5):
        with pytest.raises(OperatorNotIdentified, match="Badge number or PIN is wrong"):
            identify_operator(plant=plant, badge="99", pin="000000")


def test_an_unknown_badge_takes_as_long_to_refuse_as_a_wrong_pin(plant, settings):
    """The time of the answer must not tell which badges exist: a real hasher, timed."""
    import time

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    save_operator(plant=plant, badge="55", name="Lee", pin=PIN)

    def refusal_time(badge: str) -> float:
        start = time.perf_counter()
        with pytest.raises(OperatorNotIdentified):
            identify_operator(plant=plant, badge=badge, pin="000000")
        return time.perf_counter() - start

    known = min(refusal_time("55") for _ in range(2))
    unknown = min(refusal_time("99") for _ in range(2))
    assert unknown > 0.5 * known, (known, unknown)
