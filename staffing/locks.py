"""Row locks for staffing. Always through here; each names its rows (`of`), as
`scheduling.locks` explains."""

from __future__ import annotations

from staffing.models import Operator


def lock_active_operator(plant_id: int, badge: str) -> Operator | None:
    """The plant's active operator with this badge, locked (a PIN attempt counts on it)."""
    operator: Operator | None = (
        Operator.objects.select_for_update(of=("self",), no_key=True)
        .active()
        .filter(plant_id=plant_id, badge=badge)
        .order_by()
        .first()
    )
    return operator
