"""Takt's scheduling engine: pure Python plus OR-Tools CP-SAT, no Django."""

from .diagnose import diagnose
from .engine import solve
from .model import (
    COMPONENTS,
    Assignment,
    Conflict,
    Fixed,
    Job,
    Machine,
    Mode,
    Objective,
    Operation,
    OvertimeWindow,
    Previous,
    Problem,
    Progress,
    Solution,
    Violation,
    Window,
)
from .verify import verify

__all__ = [
    "COMPONENTS",
    "Assignment",
    "Conflict",
    "Fixed",
    "Job",
    "Machine",
    "Mode",
    "Objective",
    "Operation",
    "OvertimeWindow",
    "Previous",
    "Problem",
    "Progress",
    "Solution",
    "Violation",
    "Window",
    "diagnose",
    "solve",
    "verify",
]
