"""Admin for ERP integration: tokens (issued through the service, secret shown once),
the API audit log and webhooks (read-only records of what happened)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from plant import models
from plant.admin_scoping import PlantScopedAdmin
from plant.errors import DomainError
from plant.integrations.tokens import create_api_token, revoke_api_token


class ApiTokenCreateForm(forms.ModelForm):
    username = forms.CharField(
        max_length=150, help_text="Integration user; created (ERP role, no password) if new."
    )
    expires_in_days = forms.IntegerField(min_value=1, max_value=730, initial=365)

    class Meta:
        model = models.ApiToken
        fields = ["name", "plants", "scope"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff who are not superusers see the tokens that reach one of their plants."""

    list_display = ["name", "prefix", "user", "scope", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope", "plants"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "user",
        "plants",
        "scope",
        "prefix",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "created_by",
        "created_at",
    ]
    exclude = ["secret_hash"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.ApiToken]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        plants = models.Plant.objects.for_user(request.user)
        return queryset.filter(plants__in=plants).distinct()

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "plants":
            kwargs["queryset"] = models.Plant.objects.for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.exclude if obj is not None else None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        issued = create_api_token(
            created_by=request.user,
            username=data["username"],
            name=data["name"],
            plants=list(data["plants"]),
            scope=data["scope"],
            expires_in_days=data["expires_in_days"],
        )
        obj.pk = issued.token.pk
        messages.warning(request, f"Copy the token now, it is not shown again: {issued.secret}")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service set the plants already."""

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[models.ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_api_token(token=token)
            except DomainError as error:
                messages.error(request, error.message)


@admin.register(models.ApiAuditEntry)
class ApiAuditEntryAdmin(PlantScopedAdmin):
    list_display = ["created_at", "user", "token", "action", "model", "object_ref", "plant"]
    list_filter = ["action", "model", "plant"]
    search_fields = ["object_ref", "path", "user__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = models.WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "status_code", "duration_ms", "error", "response_excerpt"]


@admin.register(models.WebhookSubscription)
class WebhookSubscriptionAdmin(PlantScopedAdmin):
    list_display = ["url", "plant", "events", "is_active"]
    list_filter = ["plant", "is_active"]


@admin.register(models.WebhookDelivery)
class WebhookDeliveryAdmin(PlantScopedAdmin):
    list_display = ["created_at", "event", "subscription", "status", "attempts"]
    list_filter = ["status", "event"]
    readonly_fields = ["subscription", "event", "payload", "status", "attempts", "replay_of"]
    inlines = [WebhookAttemptInline]
