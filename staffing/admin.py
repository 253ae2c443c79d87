from django.contrib import admin

from staffing.models import Operator


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ("badge", "name", "plant", "is_active")
    list_filter = ("plant", "is_active")
    search_fields = ("badge", "name")
