"""Scheduling's domain errors."""

from plant.errors import RuleViolation, StateConflict


class RunStateConflict(StateConflict):
    code = "run_state_conflict"


class RunInvalid(RuleViolation):
    code = "run_invalid"
