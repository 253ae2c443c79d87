"""Row locks for staffing. Always through here, and through `plant.locks.locking`."""

from __future__ import annotations

from plant.locks import locking
from staffing.models import Operator


def lock_active_operator(plant_id: int, badge: str) -> Operator | None:
    """The plant's active operator with this badge, locked (a PIN attempt counts on it)."""
    operator: Operator | None = (
        locking(Operator.objects.active().filter(plant_id=plant_id, badge=badge)).order_by().first()
    )
    return operator
