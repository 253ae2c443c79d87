"""Domain errors: a code, a message a person can act on, and the HTTP status they map to."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every rule or state violation a service reports.

    409 for state conflicts (the thing is in the wrong state or in use), 422 for rule
    violations (the input breaks a rule). `detail` carries field-level or row-level context.
    """

    code = "domain_error"
    status = 422

    def __init__(self, message: str, *, detail: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        if code is not None:
            self.code = code


class RuleViolation(DomainError):
    code = "rule_violation"
    status = 422


class StateConflict(DomainError):
    code = "state_conflict"
    status = 409


class InUse(StateConflict):
    code = "in_use"


class NotFound(DomainError):
    """Raised by access_ functions; deliberately the same for 'missing' and 'not yours'."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class InvalidInput(DomainError):
    """Malformed input found outside a serializer's own report (e.g. rows of a bulk body)."""

    code = "invalid"
    status = 400


class IdempotencyKeyReused(RuleViolation):
    code = "idempotency_key_reused"


class IdempotencyKeyInFlight(StateConflict):
    code = "idempotency_key_in_flight"
