"""Row locks for staffing. Always through here."""

from __future__ import annotations

from staffing.models import Operator


def lock_active_operator(plant_id: int, badge: str) -> Operator | None:
    """The plant's active operator with this badge, locked (a PIN attempt counts on it)."""
    operator: Operator | None = (
        Operator.objects.select_for_update().active().filter(plant_id=plant_id, badge=badge).first()
    )
    return operator
