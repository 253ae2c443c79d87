"""The admin's plant scoping, shared by every app's admin classes."""

from typing import Any

from django.contrib import admin


class PlantScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see only their plants' records."""

    def get_queryset(self, request):
        queryset: Any = super().get_queryset(request)
        return queryset.for_user(request.user)
