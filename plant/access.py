"""Who may see and change what: plant scope from memberships, rights from role groups.

A user sees only the plants they belong to; anything of another plant is "not found" (404),
never "forbidden", so its existence does not leak.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from plant.errors import NotFound, PermissionDenied
from plant.models import ApiToken, Plant, Role

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser

EDIT_MASTER_DATA = frozenset({Role.MANAGER})
# Through the API, integration users write what the ERP owns (tokens narrow it further).
API_WRITE = frozenset({Role.MANAGER, Role.ERP})
READ_ANYTHING = frozenset(Role)


def roles_of(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    cached: frozenset[str] | None = getattr(user, "_takt_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._takt_roles = cached  # type: ignore[attr-defined]
    return cached


def has_role(user: AnyUser, allowed: frozenset[str]) -> bool:
    return bool(roles_of(user) & allowed)


def can_edit_master_data(user: AnyUser) -> bool:
    return has_role(user, EDIT_MASTER_DATA)


def check_role(user: AnyUser, allowed: frozenset[str], action: str) -> None:
    if not has_role(user, allowed):
        raise PermissionDenied(f"Your role does not allow you to {action}.")


def access_plant(user: AnyUser, pk: Any) -> Plant:
    try:
        plant: Plant = Plant.objects.for_user(user).get(pk=pk)
    except (Plant.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such plant.") from None
    return plant


def access_plant_code(user: AnyUser, code: str) -> Plant:
    """One of the user's plants by its code, as the API names plants."""
    plant: Plant | None = Plant.objects.for_user(user).filter(code=code).first()
    if plant is None:
        raise NotFound(f"No plant '{code}' among yours." if code else "Say which plant.")
    return plant


def access_record(user: AnyUser, queryset: models.QuerySet[M], pk: Any, *, edit: bool = False) -> M:
    """Fetch one plant-scoped record the user may see (and, with `edit`, change)."""
    model: Any = queryset.model
    try:
        record: M = queryset.for_user(user).get(pk=pk)  # type: ignore[attr-defined]
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No such {model._meta.verbose_name}.") from None
    if edit:
        check_role(user, EDIT_MASTER_DATA, "change master data")
    return record


def access_token(user: AnyUser, pk: Any) -> ApiToken:
    """A token that covers one of the manager's plants (managing it needs the manager role)."""
    check_role(user, EDIT_MASTER_DATA, "manage API tokens")
    plants = Plant.objects.for_user(user)
    try:
        token: ApiToken = ApiToken.objects.filter(plants__in=plants).distinct().get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such API token.") from None
    return token
