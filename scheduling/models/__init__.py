"""Production orders, schedule runs and their scheduled operations."""

from scheduling.models.orders import ProductionOrder
from scheduling.models.runs import ScheduledOperation, ScheduleRun

__all__ = ["ProductionOrder", "ScheduleRun", "ScheduledOperation"]
