"""Scheduling's domain errors."""

from plant.errors import RuleViolation, StateConflict


class RunStateConflict(StateConflict):
    code = "run_state_conflict"


class RunInvalid(RuleViolation):
    code = "run_invalid"


class OperationStateConflict(StateConflict):
    """The operation or machine is not in a state that allows this (already running, not
    started yet, machine down)."""

    code = "operation_state_conflict"


class OperationRuleViolation(RuleViolation):
    """The input breaks a shop-floor rule (predecessor not started, machine not eligible,
    quantities missing)."""

    code = "operation_rule_violation"


class StaleVersion(StateConflict):
    """Someone changed the operation after the client read it (HTTP 412 on the API)."""

    code = "stale_version"
    status = 412


class EventIdReused(StateConflict):
    """An event id already names a different action: a client bug, never a retry."""

    code = "event_id_reused"


class PreconditionRequired(RuleViolation):
    """The API needs If-Match with the version the client saw (HTTP 428)."""

    code = "precondition_required"
    status = 428


class QuantityAboveOrder(RuleViolation):
    """Good and scrap of a step would exceed the order quantity by more than the tolerance:
    most likely a typing slip, so it needs a confirmation (HTTP 422)."""

    code = "quantity_above_order"
