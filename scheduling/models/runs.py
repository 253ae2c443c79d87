"""A schedule run: one solve of a plant's orders over a horizon, and what it produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from plant.models import Machine, Operation, Plant
from plant.models.base import PlantScopedQuerySet, Timestamped
from scheduling.models.orders import ProductionOrder


class ScheduleRunQuerySet(PlantScopedQuerySet):
    def active(self) -> ScheduleRunQuerySet:
        return self.filter(status__in=ScheduleRun.ACTIVE_STATUSES)

    def published(self) -> ScheduleRunQuerySet:
        """The plant's schedule: at most one run per plant (a partial unique constraint)."""
        return self.filter(is_published=True)


class ScheduleRun(Timestamped):
    """The database row is the single source of truth for a run's state.

    A worker claims a queued run by a compare-and-set on (status, attempt) and writes progress
    and results only while the row still carries its attempt number, so a redelivered or stale
    message can never solve twice or overwrite a newer result.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        TIMED_OUT = "timed_out", "Timed out"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.TIMED_OUT)

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="schedule_runs")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    horizon_start = models.DateTimeField()
    horizon_end = models.DateTimeField()
    orders = models.ManyToManyField(ProductionOrder, related_name="schedule_runs", blank=True)
    # Objective, time limit, workers, seed: see scheduling.planning.run_settings.RunSettings.
    settings = models.JSONField(default=dict)
    # Extra shifts, overtime allowed, machines added/removed, frozen horizon: see Scenario.
    scenario = models.JSONField(default=dict)
    base_run = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_runs",
        help_text="The run this one re-solves (pins, what-if, reschedule).",
    )

    attempt = models.PositiveIntegerField(default=1)
    worker = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # When its solve was last sent to the `solver` queue: the sweeper sends a run left queued
    # again, in case the message was lost (the broker down at the time, or losing it).
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)

    best_objective = models.BigIntegerField(null=True, blank=True)
    bound = models.BigIntegerField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    elapsed_s = models.FloatField(null=True, blank=True)
    progress = models.JSONField(default=list, help_text="[[elapsed_s, objective, bound], …]")
    solver_status = models.CharField(max_length=20, blank=True)
    first_source = models.CharField(max_length=60, blank=True)
    time_to_first_s = models.FloatField(null=True, blank=True)
    components = models.JSONField(default=dict)
    kpis = models.JSONField(default=dict)
    conflicts = models.JSONField(default=list)
    error = models.TextField(blank=True)
    machine_windows = models.JSONField(
        default=dict,
        help_text="Per machine code: working and overtime windows, minutes from horizon start.",
    )

    published_at = models.DateTimeField(null=True, blank=True)
    is_published = models.BooleanField(default=False)

    objects = ScheduleRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__gt=models.F("horizon_start")), name="run_horizon_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "queued",
                        "running",
                        "succeeded",
                        "failed",
                        "cancelled",
                        "timed_out",
                    ]
                ),
                name="run_status_valid",
            ),
            models.UniqueConstraint(
                fields=["plant"], condition=Q(is_published=True), name="run_one_published_per_plant"
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status__in=["succeeded", "cancelled"]),
                name="run_published_only_with_schedule",
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="run_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    def can_cancel(self) -> bool:
        return self.is_active and not self.cancel_requested

    @property
    def has_schedule(self) -> bool:
        return bool(self.kpis)

    def can_publish(self) -> bool:
        """A finished run with a schedule: succeeded, or cancelled after finding one."""
        publishable = self.status in (self.Status.SUCCEEDED, self.Status.CANCELLED)
        return publishable and self.has_schedule and not self.is_published


class ScheduledOperationQuerySet(PlantScopedQuerySet):
    plant_path = "run__plant"


class ScheduledOperation(models.Model):
    """Where and when a run put one operation of one order."""

    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="operations")
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    machine = models.ForeignKey(
        Machine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a what-if machine that does not exist yet.",
    )
    machine_label = models.CharField(
        max_length=40, help_text="Machine code, also for what-if machines."
    )
    setup_start = models.DateTimeField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    setup_minutes = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(default=False)

    objects = ScheduledOperationQuerySet.as_manager()

    class Meta:
        ordering = ["run", "machine_label", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "order", "operation"], name="scheduledop_unique"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="scheduledop_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(start__gte=models.F("setup_start")),
                name="scheduledop_setup_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "machine_label", "start"], name="scheduledop_machine_seq")
        ]

    def __str__(self) -> str:
        return f"{self.order.external_ref} {self.operation} on {self.machine_label}"
