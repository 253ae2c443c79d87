"""Forms of the operator pages; PINs are write-only."""

from __future__ import annotations

from django import forms

PIN_HELP = "4 to 8 digits. Stored hashed: nobody can read it back."


def pin_field(label: str = "PIN") -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=4,
        max_length=8,
        help_text=PIN_HELP,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )


class OperatorCreateForm(forms.Form):
    badge = forms.CharField(max_length=20, help_text="The number on the operator's badge.")
    name = forms.CharField(max_length=120)
    pin = pin_field()


class OperatorForm(forms.Form):
    name = forms.CharField(max_length=120)
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Inactive operators cannot identify."
    )


class PinForm(forms.Form):
    pin = pin_field("New PIN")
