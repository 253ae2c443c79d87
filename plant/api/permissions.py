"""Who may call the master-data API.

Reads: any authenticated user; what they see is limited by `.for_user()` on every queryset,
so another plant's records are "not found". Writes: the Plant manager role only.

The checks read `request.user` and nothing about how it was authenticated, so a per-plant
token authentication class for ERP clients can be added to the authentication classes later
without touching these.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from plant.access import can_edit_master_data


class MasterDataPermission(BasePermission):
    message = "Your role does not allow you to change master data."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_edit_master_data(user)
