"""The order form. It validates and shapes; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from plant.models import Item, Plant
from scheduling.models import ProductionOrder

LOCAL_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrderForm(forms.ModelForm):
    class Meta:
        model = ProductionOrder
        fields = ["external_ref", "item", "quantity", "release_at", "due_at", "priority"]
        widgets = {"release_at": LOCAL_DT, "due_at": LOCAL_DT}
        labels = {"external_ref": "Order number", "release_at": "Release", "due_at": "Due"}

    def __init__(self, *args: Any, plant: Plant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plant = plant
        self.fields["item"].queryset = Item.objects.filter(plant=plant, kind=Item.Kind.MADE)  # type: ignore[attr-defined]
        for name in ("release_at", "due_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]  # type: ignore[attr-defined]
