from django.urls import path

from scheduling.api import completions, floor, orders, runs, schedule
from scheduling.api.views import DispatchListView

urlpatterns = [
    path("dispatch/", DispatchListView.as_view(), name="api-dispatch"),
]

# Shop floor (machine terminals, MES): scheduling/api/floor.py.
urlpatterns += [
    path("floor/operations/", floor.FloorOperationsView.as_view(), name="api-floor-operations"),
    path(
        "floor/operation-events/",
        floor.OperationEventView.as_view(),
        name="api-floor-operation-events",
    ),
    path(
        "floor/machine-events/", floor.MachineEventView.as_view(), name="api-floor-machine-events"
    ),
    path(
        "floor/downtime-reasons/",
        floor.DowntimeReasonsView.as_view(),
        name="api-floor-downtime-reasons",
    ),
]

# ERP integration (issue #6): orders by external reference, runs, the published schedule.
# A reference may contain "/", so the cancel route comes before the detail route.
urlpatterns += [
    path("orders/", orders.OrderListView.as_view(), name="api-order-list"),
    path("orders/bulk/", orders.OrderBulkView.as_view(), name="api-order-bulk"),
    path(
        "orders/<path:external_ref>/cancel/",
        orders.OrderCancelView.as_view(),
        name="api-order-cancel",
    ),
    path("orders/<path:external_ref>/", orders.OrderDetailView.as_view(), name="api-order-detail"),
    path("runs/", runs.RunListView.as_view(), name="api-run-list"),
    path("runs/<int:pk>/", runs.RunDetailView.as_view(), name="api-run-detail"),
    path("runs/<int:pk>/publish/", runs.RunPublishView.as_view(), name="api-run-publish"),
    path("schedule/", schedule.ScheduleView.as_view(), name="api-schedule"),
    path("completions/", completions.CompletionListView.as_view(), name="api-completions"),
]
