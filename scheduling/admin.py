from django.contrib import admin

from plant.admin_scoping import PlantScopedAdmin
from scheduling.models import ProductionOrder


@admin.register(ProductionOrder)
class ProductionOrderAdmin(PlantScopedAdmin):
    list_display = ["external_ref", "item", "quantity", "due_at", "priority", "status", "plant"]
    list_filter = ["plant", "status", "priority"]
    search_fields = ["external_ref", "item__code"]
