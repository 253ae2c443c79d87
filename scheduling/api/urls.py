from django.urls import path

from scheduling.api import floor
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
