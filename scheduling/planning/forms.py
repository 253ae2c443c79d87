"""Forms of the planning pages: a new run (settings and what-if scenario) and a pin from the
Gantt. They validate and shape; services do the writing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from plant.models import Machine, Plant, WorkCentre
from scheduling.orders.forms import LOCAL_DT
from scheduling.planning.run_settings import MAX_WEIGHT, RunSettings

LEXICOGRAPHIC_PRESETS = {
    "tardiness-overtime-setup": ("weighted_tardiness", "overtime_cost", "setup_time"),
    "tardiness-makespan": ("weighted_tardiness", "makespan"),
    "overtime-tardiness": ("overtime_cost", "weighted_tardiness", "setup_time"),
    "makespan": ("makespan",),
}


class RunForm(forms.Form):
    name = forms.CharField(max_length=120, required=False)
    horizon_start = forms.DateTimeField(widget=LOCAL_DT, input_formats=["%Y-%m-%dT%H:%M"])
    horizon_days = forms.IntegerField(
        min_value=1, max_value=120, initial=28, label="Horizon (days)"
    )
    mode = forms.ChoiceField(
        choices=[("weighted", "Weighted sum"), ("lexicographic", "In order of importance")],
        initial="weighted",
        widget=forms.RadioSelect,
    )
    w_tardiness = forms.IntegerField(
        min_value=0, max_value=MAX_WEIGHT, initial=10, label="Weighted tardiness"
    )
    w_overtime = forms.IntegerField(
        min_value=0, max_value=MAX_WEIGHT, initial=1, label="Overtime cost"
    )
    w_setup = forms.IntegerField(
        min_value=0, max_value=MAX_WEIGHT, initial=1, label="Changeover time"
    )
    w_makespan = forms.IntegerField(min_value=0, max_value=MAX_WEIGHT, initial=0, label="Makespan")
    order = forms.ChoiceField(
        label="Order of importance",
        choices=[
            ("tardiness-overtime-setup", "Tardiness, then overtime cost, then changeovers"),
            ("tardiness-makespan", "Tardiness, then makespan"),
            ("overtime-tardiness", "Overtime cost, then tardiness, then changeovers"),
            ("makespan", "Makespan only"),
        ],
    )
    time_limit_s = forms.IntegerField(min_value=1, initial=30, label="Time limit (s)")
    overtime_allowed = forms.BooleanField(
        required=False, initial=True, label="Overtime offers may be used"
    )
    extra_shift_work_centres = forms.ModelMultipleChoiceField(
        queryset=WorkCentre.objects.none(),
        required=False,
        label="Extra shift for",
        widget=forms.CheckboxSelectMultiple,
    )
    extra_shift_day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="on"
    )
    extra_shift_start = forms.TimeField(
        required=False,
        initial=dt.time(6),
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="from",
    )
    extra_shift_end = forms.TimeField(
        required=False,
        initial=dt.time(14),
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="to",
    )
    add_machine = forms.ModelChoiceField(
        queryset=Machine.objects.none(),
        required=False,
        label="What if we bought another",
        empty_label="—",
    )
    remove_machines = forms.ModelMultipleChoiceField(
        queryset=Machine.objects.none(),
        required=False,
        label="What if these were unavailable",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plant: Plant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plant = plant
        # The longest solve the workers allow, read when the form is made (tests change it).
        limit = self.fields["time_limit_s"]
        limit.validators.append(MaxValueValidator(RunSettings.max_time_limit_s()))
        limit.widget.attrs["max"] = RunSettings.max_time_limit_s()
        machines = Machine.objects.filter(plant=plant).order_by("code")
        self.fields["add_machine"].queryset = machines  # type: ignore[attr-defined]
        self.fields["remove_machines"].queryset = machines  # type: ignore[attr-defined]
        self.fields["extra_shift_work_centres"].queryset = WorkCentre.objects.filter(plant=plant)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["horizon_start"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("extra_shift_work_centres") and not data.get("extra_shift_day"):
            self.add_error("extra_shift_day", "Choose the day of the extra shift.")
        return data

    def run_arguments(self) -> dict[str, Any]:
        """What create_run needs, from the cleaned data (RuleViolation if the settings break a
        rule the fields alone do not check, such as every weight zero)."""
        d = self.cleaned_data
        start = d["horizon_start"]
        settings = RunSettings.parse(
            {
                "mode": d["mode"],
                "weights": {
                    "weighted_tardiness": d["w_tardiness"],
                    "overtime_cost": d["w_overtime"],
                    "setup_time": d["w_setup"],
                    "makespan": d["w_makespan"],
                    "deviation": 0,
                },
                "order": list(LEXICOGRAPHIC_PRESETS[d["order"]]),
                "time_limit_s": d["time_limit_s"],
            }
        )
        scenario: dict[str, Any] = {"overtime_allowed": d["overtime_allowed"]}
        if d.get("extra_shift_work_centres"):
            scenario["extra_shifts"] = [
                {
                    "work_centres": [wc.code for wc in d["extra_shift_work_centres"]],
                    "day": d["extra_shift_day"].isoformat(),
                    "start": d["extra_shift_start"].strftime("%H:%M"),
                    "end": d["extra_shift_end"].strftime("%H:%M"),
                }
            ]
        if d.get("add_machine"):
            scenario["add_machines"] = [
                {"copy_of": d["add_machine"].code, "code": f"{d['add_machine'].code}-NEW"}
            ]
        if d.get("remove_machines"):
            scenario["remove_machines"] = [m.code for m in d["remove_machines"]]
        return {
            "name": d.get("name") or "",
            "horizon_start": start,
            "horizon_end": start + dt.timedelta(days=d["horizon_days"]),
            "settings": settings,
            "scenario": scenario,
        }


class PinForm(forms.Form):
    operation = forms.IntegerField(widget=forms.HiddenInput)
    machine = forms.CharField(max_length=40)
    start = forms.DateTimeField(widget=LOCAL_DT, input_formats=["%Y-%m-%dT%H:%M"])
