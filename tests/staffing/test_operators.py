from __future__ import annotations

import pytest
from django.core.management import call_command

from plant.models import Plant
from staffing.errors import OperatorNotIdentified, PinInvalid
from staffing.models import Operator
from staffing.services import identify_operator, save_operator

pytestmark = pytest.mark.django_db


def test_a_pin_is_stored_hashed_and_identifies_its_operator(plant):
    operator = save_operator(plant=plant, badge="77", name="Kim", pin="246810")
    assert "246810" not in operator.pin_hash
    assert identify_operator(plant=plant, badge="77", pin="246810") == operator


def test_a_wrong_pin_and_an_unknown_badge_get_the_same_answer(plant):
    save_operator(plant=plant, badge="77", name="Kim", pin="246810")
    with pytest.raises(OperatorNotIdentified) as wrong_pin:
        identify_operator(plant=plant, badge="77", pin="000000")
    with pytest.raises(OperatorNotIdentified) as unknown:
        identify_operator(plant=plant, badge="78", pin="246810")
    assert wrong_pin.value.message == unknown.value.message


def test_an_operator_of_another_plant_or_an_inactive_one_cannot_identify(plant, other_plant):
    save_operator(plant=other_plant, badge="77", name="Kim", pin="246810")
    with pytest.raises(OperatorNotIdentified):
        identify_operator(plant=plant, badge="77", pin="246810")
    Operator.objects.update(is_active=False)
    with pytest.raises(OperatorNotIdentified):
        identify_operator(plant=other_plant, badge="77", pin="246810")


def test_a_pin_is_four_to_eight_digits(plant):
    with pytest.raises(PinInvalid):
        save_operator(plant=plant, badge="77", name="Kim", pin="12a4")
    with pytest.raises(PinInvalid):
        save_operator(plant=plant, badge="77", name="Kim", pin=None)


def test_the_demo_operators_are_loaded_once_and_keep_their_pins():
    call_command("load_demo_plant", no_users=True)
    plant = Plant.objects.get(code="NW1")
    first = dict(Operator.objects.filter(plant=plant).values_list("badge", "pin_hash"))
    call_command("load_demo_plant", no_users=True)
    assert dict(Operator.objects.filter(plant=plant).values_list("badge", "pin_hash")) == first
    assert len(first) == 4
    assert identify_operator(plant=plant, badge="1001", pin="1234").name == "Ada Becker"
