"""Working time: weekly shift patterns in plant-local time, exceptions and overtime offers."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from plant.models.base import PlantScopedQuerySet, Timestamped
from plant.models.plants import Plant
from plant.models.resources import Machine


class ShiftPattern(Timestamped):
    """A weekly pattern of shifts. One per plant is its default; machines may override it."""

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="shift_patterns")
    name = models.CharField(max_length=80)
    is_plant_default = models.BooleanField(default=False)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "-is_plant_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plant", "name"], name="shiftpattern_unique_name"),
            models.UniqueConstraint(
                fields=["plant"],
                condition=Q(is_plant_default=True),
                name="shiftpattern_one_default_per_plant",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShiftQuerySet(PlantScopedQuerySet):
    plant_path = "pattern__plant"


class Shift(Timestamped):
    """A shift on one weekday, in plant-local wall-clock time.

    A night shift that ends after midnight says so with `crosses_midnight`; otherwise it must
    end after it starts.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    pattern = models.ForeignKey(ShiftPattern, on_delete=models.CASCADE, related_name="shifts")
    name = models.CharField(max_length=40, default="Shift")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    crosses_midnight = models.BooleanField(default=False)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["pattern", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="shift_weekday_valid"),
            models.CheckConstraint(
                condition=Q(crosses_midnight=False, end_time__gt=models.F("start_time"))
                | Q(crosses_midnight=True, end_time__lte=models.F("start_time")),
                name="shift_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def local_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Naive local start and end of this shift on `day` (which must be its weekday)."""
        start = dt.datetime.combine(day, self.start_time)
        end_day = day + dt.timedelta(days=1) if self.crosses_midnight else day
        return start, dt.datetime.combine(end_day, self.end_time)


class CalendarException(Timestamped):
    """A departure from the shift pattern, for the whole plant or one machine."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Holiday (closed)"
        MAINTENANCE = "maintenance", "Maintenance (machine unavailable)"
        EXTRA_SHIFT = "extra_shift", "Extra shift (working)"

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="calendar_exceptions")
    machine = models.ForeignKey(
        Machine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_exceptions",
        help_text="Leave empty for the whole plant.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="exception_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["holiday", "maintenance", "extra_shift"]),
                name="exception_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.EXTRA_SHIFT


class OvertimeOffer(Timestamped):
    """A window in which a machine may work beyond its shifts, at a cost per hour worked."""

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="overtime_offers")
    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="overtime_offers")
    start = models.DateTimeField()
    end = models.DateTimeField()
    cost_per_hour = models.DecimalField(max_digits=10, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    objects = PlantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plant__code", "start", "machine__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="overtime_end_after_start"
            ),
            models.CheckConstraint(condition=Q(cost_per_hour__gte=0), name="overtime_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Overtime {self.machine.code} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"
