"""Shop-floor execution: the state of each order operation, its append-only WIP events, and
machine downtime with a reason from a catalogue.

Execution state belongs to an order's routing step (order + operation), not to a scheduled
operation of one run: a reschedule publishes a new run, and what has been started or made
must survive it. The published run only says where and when a step is planned.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from plant.models import Machine, Operation, Plant
from plant.models.base import PlantScopedQuerySet, Timestamped
from scheduling.models.orders import ProductionOrder
from staffing.models import Operator


def quantity_field() -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=3, default=0)


class DowntimeReason(Timestamped):
    """Why a machine stood still. Planned downtime is not counted against availability."""

    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNPLANNED = "unplanned", "Unplanned"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the tablet.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["planned", "unplanned"]), name="downtimereason_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OperationExecution(Timestamped):
    """Where one routing step of one order stands on the shop floor.

    planned → running ⇄ paused → completed. `version` grows with every change so that an
    edit based on what a user saw can be refused when someone else changed it first.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"

    STARTED = (Status.RUNNING, Status.PAUSED, Status.COMPLETED)

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="executions")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="executions")
    machine = models.ForeignKey(
        Machine, on_delete=models.PROTECT, null=True, blank=True, related_name="executions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    # The machine's capacity was 1 when this started: the one-running-per-machine index holds.
    exclusive = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    good_quantity = quantity_field()
    scrap_quantity = quantity_field()
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        Operator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_by = models.ForeignKey(
        Operator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "operation__sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "operation"], name="execution_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "running", "paused", "completed"]),
                name="execution_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(good_quantity__gte=0, scrap_quantity__gte=0),
                name="execution_quantities_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(status="planned")
                | Q(actual_start__isnull=False, machine__isnull=False),
                name="execution_started_has_start_and_machine",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", actual_end__gte=F("actual_start"))
                | (~Q(status="completed") & Q(actual_end__isnull=True)),
                name="execution_end_iff_completed",
            ),
            models.UniqueConstraint(
                fields=["machine"],
                condition=Q(status="running", exclusive=True),
                name="execution_one_running_per_machine",
            ),
        ]
        indexes = [models.Index(fields=["machine", "status"], name="execution_machine_status")]

    def __str__(self) -> str:
        return f"{self.order.external_ref}/{self.operation.sequence} {self.get_status_display()}"


class WipEvent(models.Model):
    """One tap on a tablet or one call of a terminal: append-only, never edited.

    The id comes from the client, so a retried request finds its first result instead of
    counting twice. `result` keeps what the first request answered.
    """

    class Kind(models.TextChoices):
        START = "start", "Start"
        PAUSE = "pause", "Pause"
        RESUME = "resume", "Resume"
        COMPLETE = "complete", "Complete"
        REPORT = "report", "Quantity report"
        DOWNTIME = "downtime", "Downtime"
        MACHINE_DOWN = "machine_down", "Machine down"
        MACHINE_UP = "machine_up", "Machine up"
        NOTE = "note", "Note"

    OPERATION_KINDS = (Kind.START, Kind.PAUSE, Kind.RESUME, Kind.COMPLETE, Kind.REPORT)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="wip_events")
    execution = models.ForeignKey(
        OperationExecution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    good_quantity = quantity_field()
    scrap_quantity = quantity_field()
    reason = models.ForeignKey(
        DowntimeReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveIntegerField(null=True, blank=True)
    expected_return = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, null=True, blank=True, related_name="wip_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    result = models.JSONField(default=dict)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "start",
                        "pause",
                        "resume",
                        "complete",
                        "report",
                        "downtime",
                        "machine_down",
                        "machine_up",
                        "note",
                    ]
                ),
                name="wipevent_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(good_quantity__gte=0, scrap_quantity__gte=0),
                name="wipevent_quantities_gte_0",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["start", "pause", "resume", "complete", "report"])
                | Q(execution__isnull=False),
                name="wipevent_operation_kinds_have_execution",
            ),
        ]
        indexes = [models.Index(fields=["plant", "occurred_at"], name="wipevent_plant_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class MachineState(models.Model):
    """The shop floor's version of a machine's up/down state, for If-Match on marking it down
    or up (Machine.status itself belongs to the plant app). No row until the machine first
    goes down: its version is 0 until then. Changed only under the machine's row lock."""

    machine = models.OneToOneField(
        Machine, on_delete=models.CASCADE, primary_key=True, related_name="floor_state"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["machine"]

    def __str__(self) -> str:
        return f"{self.machine_id} v{self.version}"


class Downtime(models.Model):
    """A span a machine (or one paused operation on it) stood still, and why.

    Machine-level spans (machine down, recorded downtime) have no execution; a pause is a span
    of its execution. An open span has no end yet.
    """

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="+")
    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="downtimes")
    execution = models.ForeignKey(
        OperationExecution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pauses",
    )
    reason = models.ForeignKey(DowntimeReason, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    expected_return = models.DateTimeField(null=True, blank=True)
    machine_down = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="downtime_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["machine"],
                condition=Q(ended_at__isnull=True, machine_down=True),
                name="downtime_one_open_machine_down",
            ),
            models.UniqueConstraint(
                fields=["execution"],
                condition=Q(ended_at__isnull=True, execution__isnull=False),
                name="downtime_one_open_pause_per_execution",
            ),
        ]
        indexes = [models.Index(fields=["machine", "started_at"], name="downtime_machine_start")]

    def __str__(self) -> str:
        return f"{self.machine.code} {self.reason} from {self.started_at:%Y-%m-%d %H:%M}"
