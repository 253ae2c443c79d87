from django.urls import URLPattern, include, path

from plant import views, views_calendars, views_changeovers, views_items
from plant.views_masterdata import (
    ALL_PAGES,
    RecordPages,
    record_create,
    record_delete,
    record_detail,
    record_edit,
    record_list,
)

app_name = "plant"

PREFIXES = {
    "workcentre": "work-centres",
    "machine": "machines",
    "family": "families",
    "item": "items",
    "shiftpattern": "calendars/patterns",
}


def record_urls(pages: RecordPages) -> list[URLPattern]:
    base, kwargs, slug = PREFIXES[pages.slug], {"pages": pages}, pages.slug
    return [
        path(f"{base}/", record_list, kwargs, name=f"{slug}-list"),
        path(f"{base}/new/", record_create, kwargs, name=f"{slug}-create"),
        path(f"{base}/<int:pk>/", record_detail, kwargs, name=f"{slug}-detail"),
        path(f"{base}/<int:pk>/edit/", record_edit, kwargs, name=f"{slug}-edit"),
        path(f"{base}/<int:pk>/delete/", record_delete, kwargs, name=f"{slug}-delete"),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("plant/switch/", views.switch_plant, name="plant-switch"),
    *(pattern for pages in ALL_PAGES for pattern in record_urls(pages)),
    path("items/<int:pk>/bom/", views_items.bom_set, name="item-bom-set"),
    path("items/<int:pk>/bom/<int:line_pk>/", views_items.bom_change, name="item-bom-change"),
    path(
        "items/<int:pk>/bom/<int:line_pk>/remove/",
        views_items.bom_remove,
        name="item-bom-remove",
    ),
    path("items/<int:pk>/routing/", views_items.routing_edit, name="item-routing"),
    path(
        "items/<int:pk>/routing/operation-row/",
        views_items.routing_operation_row,
        name="item-routing-operation-row",
    ),
    path(
        "items/<int:pk>/routing/machine-row/<int:op_index>/",
        views_items.routing_machine_row,
        name="item-routing-machine-row",
    ),
    path("changeovers/", views_changeovers.changeover_list, name="changeover-list"),
    path("changeovers/<int:pk>/", views_changeovers.changeover_grid, name="changeover-detail"),
    path("changeovers/<int:pk>/cell/", views_changeovers.changeover_cell, name="changeover-cell"),
    path("calendars/", views_calendars.calendar_overview, name="calendars"),
    path(
        "calendars/patterns/<int:pk>/shifts/new/",
        views_calendars.shift_create,
        name="shift-create",
    ),
    path("calendars/shifts/<int:pk>/edit/", views_calendars.shift_edit, name="shift-edit"),
    path("calendars/shifts/<int:pk>/delete/", views_calendars.shift_delete, name="shift-delete"),
    path("calendars/exceptions/new/", views_calendars.exception_form, name="exception-create"),
    path(
        "calendars/exceptions/<int:pk>/edit/", views_calendars.exception_form, name="exception-edit"
    ),
    path("calendars/overtime/<int:pk>/edit/", views_calendars.overtime_form, name="overtime-edit"),
    path(
        "calendars/exceptions/<int:pk>/delete/",
        views_calendars.exception_delete,
        name="exception-delete",
    ),
    path("calendars/overtime/new/", views_calendars.overtime_form, name="overtime-create"),
    path(
        "calendars/overtime/<int:pk>/delete/",
        views_calendars.overtime_delete,
        name="overtime-delete",
    ),
    path("imports/", include("plant.imports.urls")),
    path("integrations/", include("plant.integrations.urls")),
]
