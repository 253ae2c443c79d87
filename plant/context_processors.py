"""What every page's frame needs: the current plant, the user's plants and their rights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from plant.access import can_edit_master_data, roles_of
from plant.selectors import current_plant, plants_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_plant": current_plant(request),
        "user_plants": getattr(request, "_user_plants", None) or plants_of(user),
        "user_roles": sorted(roles_of(user)),
        "can_edit": can_edit_master_data(user),
    }
