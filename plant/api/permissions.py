"""Who may call the API.

Reads: any authenticated user; what they see is limited by `.for_user()` on every queryset,
so another plant's records are "not found" (and a token narrows that to its plants).
Writes: Plant managers and ERP integration users, and with a token only a write token;
calendars (shift patterns, exceptions, overtime offers) only Plant managers.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from plant.access import API_WRITE, EDIT_MASTER_DATA, has_role
from plant.api.authentication import token_of


def check_api_write(request: Request, action: str, roles: frozenset[str] = API_WRITE) -> None:
    """Refuse a write by a read-only token or by a role that may not write (403)."""
    token = token_of(request)
    if token is not None and not token.can_write:
        raise PermissionDenied("This API token is read-only.", code="read_only_token")
    if not has_role(request.user, roles):
        raise PermissionDenied(f"Your role does not allow you to {action}.")


class ApiPermission(BasePermission):
    action = "change data through the API"
    roles = API_WRITE

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if request.method not in SAFE_METHODS:
            check_api_write(request, self.action, self.roles)
        return True


class MasterDataPermission(ApiPermission):
    action = "change master data"


class CalendarPermission(ApiPermission):
    """Calendars are the plant's own: integration users read them, managers change them."""

    action = "change calendars"
    roles = EDIT_MASTER_DATA
