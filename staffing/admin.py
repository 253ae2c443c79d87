from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from plant.errors import DomainError
from staffing.models import Operator
from staffing.services import check_pin_shape, unlock_operator


class OperatorAdminForm(forms.ModelForm):
    pin = forms.CharField(
        required=False,
        widget=forms.PasswordInput,
        help_text="4 to 8 digits; leave empty to keep the current PIN. Needed for a new operator.",
    )

    class Meta:
        model = Operator
        fields = ["plant", "badge", "name", "is_active"]

    def clean_pin(self) -> str:
        pin: str = self.cleaned_data.get("pin") or ""
        if not pin and not self.instance.pk:
            raise forms.ValidationError("A new operator needs a PIN.")
        if pin:
            try:
                check_pin_shape(pin)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return pin


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    form = OperatorAdminForm
    list_display = ("badge", "name", "plant", "is_active", "locked_until")
    list_filter = ("plant", "is_active")
    search_fields = ("badge", "name")
    readonly_fields = ("failed_pin_attempts", "locked_until")
    actions = ["unlock"]

    def save_model(self, request: HttpRequest, obj: Operator, form: Any, change: bool) -> None:
        if form.cleaned_data.get("pin"):
            obj.set_pin(form.cleaned_data["pin"])
            obj.failed_pin_attempts, obj.locked_until = 0, None
        super().save_model(request, obj, form, change)

    @admin.action(description="Unlock (after too many wrong PINs)")
    def unlock(self, request: HttpRequest, queryset: QuerySet[Operator]) -> None:
        for operator in queryset:
            unlock_operator(operator=operator)
