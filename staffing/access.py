"""Fetch staffing records the user may see (404 across plants); managers change them."""

from __future__ import annotations

from typing import Any

from plant.access import access_record, check_role
from plant.models import Role
from staffing.models import Operator

MANAGE_OPERATORS = frozenset({Role.MANAGER})


def access_operator(user: Any, pk: Any, *, edit: bool = False) -> Operator:
    operator = access_record(user, Operator.objects.select_related("plant"), pk)
    if edit:
        check_role(user, MANAGE_OPERATORS, "manage operators")
    return operator
