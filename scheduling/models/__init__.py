"""Production orders, schedule runs and their scheduled operations, shop-floor execution."""

from scheduling.models.orders import ProductionOrder
from scheduling.models.runs import ScheduledOperation, ScheduleRun
from scheduling.models.wip import (
    Downtime,
    DowntimeReason,
    MachineState,
    OperationExecution,
    WipEvent,
)

__all__ = [
    "Downtime",
    "DowntimeReason",
    "MachineState",
    "OperationExecution",
    "ProductionOrder",
    "ScheduleRun",
    "ScheduledOperation",
    "WipEvent",
]
