"""Forms of the Integrations pages: API tokens and webhook subscriptions."""

from __future__ import annotations

from typing import Any

from django import forms

from plant.models import ApiToken, Plant
from plant.models.integrations import WEBHOOK_EVENTS


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What uses it, e.g. 'SAP production'.")
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        label="Integration user",
        help_text="Created with the ERP integration role and no password if new.",
    )
    plants = forms.ModelMultipleChoiceField(
        queryset=Plant.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, widget=forms.RadioSelect
    )
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=730, initial=365, label="Expires in (days)"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["plants"]
        field.queryset = Plant.objects.for_user(user)


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=500, label="URL", assume_scheme="https")
    events = forms.MultipleChoiceField(choices=WEBHOOK_EVENTS, widget=forms.CheckboxSelectMultiple)
