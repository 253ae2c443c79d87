"""The demo plant's operators, with public PINs (demo only). Idempotent: existing operators
keep their PIN."""

from __future__ import annotations

from plant.models import Plant
from staffing.models import Operator
from staffing.services import save_operator

DEMO_OPERATORS = [
    ("1001", "Ada Becker", "1234"),
    ("1002", "Bruno Costa", "2345"),
    ("1003", "Chen Li", "3456"),
    ("1004", "Dana Novak", "4567"),
]


def load_demo_operators(*, plant: Plant) -> list[tuple[str, str, str]]:
    """Create the demo operators that are missing. Returns (badge, name, pin) of all of them."""
    existing = set(Operator.objects.filter(plant=plant).values_list("badge", flat=True))
    for badge, name, pin in DEMO_OPERATORS:
        if badge not in existing:
            save_operator(plant=plant, badge=badge, name=name, pin=pin)
    return DEMO_OPERATORS
