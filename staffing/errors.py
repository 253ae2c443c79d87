"""Staffing's domain errors."""

from plant.errors import RuleViolation


class OperatorNotIdentified(RuleViolation):
    code = "operator_not_identified"


class PinInvalid(RuleViolation):
    code = "pin_invalid"
