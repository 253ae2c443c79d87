"""Staffing's domain errors."""

from plant.errors import RuleViolation


class OperatorNotIdentified(RuleViolation):
    code = "operator_not_identified"


class OperatorLocked(RuleViolation):
    """Too many wrong PINs in a row: the badge waits (HTTP 429)."""

    code = "operator_locked"
    status = 429


class PinInvalid(RuleViolation):
    code = "pin_invalid"


class BadgeTaken(RuleViolation):
    code = "badge_taken"
