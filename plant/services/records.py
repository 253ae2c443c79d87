"""Saving and deleting master-data records with their rules checked first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from plant.errors import InUse, RuleViolation


def validation_detail(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in errs[0].messages]
            if len(errs) == 1
            else [m for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def save_record(*, record: models.Model, exclude: list[str] | None = None) -> models.Model:
    """Validate every field and model rule, then save. Raises RuleViolation naming the fields."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        detail = validation_detail(error)
        first = next(iter(detail.values()))[0]
        raise RuleViolation(first, detail=detail) from None
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise RuleViolation(f"This breaks a database rule: {error}") from None
    return record


def delete_record(*, record: models.Model) -> None:
    """Delete, unless other records still use it (then InUse names what uses it)."""
    label = f"{record._meta.verbose_name} {record}"
    try:
        with transaction.atomic():
            record.delete()
    except (ProtectedError, RestrictedError) as error:
        users: dict[str, int] = {}
        for obj in (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        ):
            name = str(obj._meta.verbose_name_plural)
            users[name] = users.get(name, 0) + 1
        used_by = ", ".join(f"{count} {name}" for name, count in sorted(users.items()))
        raise InUse(
            f"Cannot delete {label}: it is still used by {used_by}.", detail=users
        ) from None


def update_fields(*, record: models.Model, values: dict[str, Any]) -> models.Model:
    for name, value in values.items():
        setattr(record, name, value)
    return save_record(record=record)
