"""The plant's master data, one module per aggregate."""

from plant.models.calendars import CalendarException, OvertimeOffer, Shift, ShiftPattern
from plant.models.integrations import (
    ApiAuditEntry,
    ApiToken,
    IdempotencyKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from plant.models.items import BOMLine, Item, ProductFamily
from plant.models.jobs import PeriodicRun
from plant.models.plants import Plant, PlantMembership, Role
from plant.models.resources import Changeover, Machine, WorkCentre
from plant.models.routings import Operation, OperationMachine, Routing

__all__ = [
    "ApiAuditEntry",
    "ApiToken",
    "BOMLine",
    "CalendarException",
    "Changeover",
    "IdempotencyKey",
    "Item",
    "Machine",
    "Operation",
    "OperationMachine",
    "OvertimeOffer",
    "PeriodicRun",
    "Plant",
    "PlantMembership",
    "ProductFamily",
    "Role",
    "Routing",
    "Shift",
    "ShiftPattern",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkCentre",
]
