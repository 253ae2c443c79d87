"""Forms of the tablet pages. Each carries the event id the page was rendered with, so a
retried POST (flaky Wi-Fi, a double tap) is the same event and counts once."""

from __future__ import annotations

from django import forms

from scheduling.models import DowntimeReason


def reasons() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=DowntimeReason.objects.filter(is_active=True), to_field_name="code"
    )


class EventForm(forms.Form):
    event_id = forms.UUIDField()
    note = forms.CharField(max_length=2000, required=False)


class OperationEventForm(EventForm):
    version = forms.IntegerField(min_value=0, help_text="The version the tablet showed.")


class PauseForm(OperationEventForm):
    reason = reasons()


class CompleteForm(OperationEventForm):
    """Complete or report: good and scrap made since the last report."""

    good = forms.DecimalField(min_value=0, max_digits=12, decimal_places=3)
    scrap = forms.DecimalField(min_value=0, max_digits=12, decimal_places=3, required=False)
    # Set by the confirmation the tablet shows when the quantities are far above the order's.
    confirm_over = forms.BooleanField(required=False)


class MachineStateForm(EventForm):
    """Marking a machine down or up: the machine's version the tablet showed."""

    version = forms.IntegerField(min_value=0)


class MachineUpForm(MachineStateForm):
    pass


class MachineDownForm(MachineStateForm):
    reason = reasons()
    expected_return_minutes = forms.IntegerField(
        min_value=1, max_value=7 * 24 * 60, required=False, label="Back in (minutes)"
    )


class DowntimeForm(EventForm):
    reason = reasons()
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60)


class NoteForm(EventForm):
    note = forms.CharField(max_length=2000)


class IdentifyForm(forms.Form):
    badge = forms.CharField(max_length=20)
    pin = forms.CharField(max_length=8, widget=forms.PasswordInput)
