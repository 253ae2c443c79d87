from django.contrib import admin

from plant import models
from plant.admin_scoping import PlantScopedAdmin
from plant.integrations import admin as integrations_admin  # noqa: F401  (registers it)


@admin.register(models.Plant)
class PlantAdmin(PlantScopedAdmin):
    list_display = ["code", "name", "time_zone"]
    search_fields = ["code", "name"]


@admin.register(models.PlantMembership)
class PlantMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "plant"]
    list_filter = ["plant"]
    autocomplete_fields = ["user", "plant"]


@admin.register(models.WorkCentre)
class WorkCentreAdmin(PlantScopedAdmin):
    list_display = ["code", "name", "plant"]
    list_filter = ["plant"]
    search_fields = ["code", "name"]


@admin.register(models.Machine)
class MachineAdmin(PlantScopedAdmin):
    list_display = ["code", "name", "work_centre", "status", "plant"]
    list_filter = ["plant", "status", "work_centre"]
    search_fields = ["code", "name"]


@admin.register(models.ProductFamily)
class ProductFamilyAdmin(PlantScopedAdmin):
    list_display = ["code", "name", "plant"]
    search_fields = ["code", "name"]


class BOMLineInline(admin.TabularInline):
    model = models.BOMLine
    fk_name = "parent"
    extra = 0
    autocomplete_fields = ["component"]


@admin.register(models.Item)
class ItemAdmin(PlantScopedAdmin):
    list_display = ["code", "name", "kind", "unit", "family", "plant"]
    list_filter = ["plant", "kind", "family"]
    search_fields = ["code", "name"]
    inlines = [BOMLineInline]


class OperationMachineInline(admin.TabularInline):
    model = models.OperationMachine
    extra = 0


@admin.register(models.Operation)
class OperationAdmin(PlantScopedAdmin):
    list_display = ["routing", "sequence", "name", "work_centre", "can_pause"]
    inlines = [OperationMachineInline]


class OperationInline(admin.TabularInline):
    model = models.Operation
    extra = 0
    show_change_link = True


@admin.register(models.Routing)
class RoutingAdmin(PlantScopedAdmin):
    list_display = ["item"]
    search_fields = ["item__code"]
    inlines = [OperationInline]


@admin.register(models.Changeover)
class ChangeoverAdmin(PlantScopedAdmin):
    list_display = ["from_family", "to_family", "work_centre", "machine", "minutes"]
    list_filter = ["plant"]


class ShiftInline(admin.TabularInline):
    model = models.Shift
    extra = 0


@admin.register(models.ShiftPattern)
class ShiftPatternAdmin(PlantScopedAdmin):
    list_display = ["name", "plant", "is_plant_default"]
    inlines = [ShiftInline]


@admin.register(models.CalendarException)
class CalendarExceptionAdmin(PlantScopedAdmin):
    list_display = ["kind", "start", "end", "machine", "reason", "plant"]
    list_filter = ["plant", "kind"]


@admin.register(models.OvertimeOffer)
class OvertimeOfferAdmin(PlantScopedAdmin):
    list_display = ["machine", "start", "end", "cost_per_hour", "plant"]
    list_filter = ["plant"]
