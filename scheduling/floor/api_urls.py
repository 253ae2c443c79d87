"""The shop floor over the API: machine terminals and MES post events, the ERP reads
completions (included under /api/v1/)."""

from django.urls import path

from scheduling.floor import api, completions

urlpatterns = [
    path("floor/operations/", api.FloorOperationsView.as_view(), name="api-floor-operations"),
    path(
        "floor/operation-events/",
        api.OperationEventView.as_view(),
        name="api-floor-operation-events",
    ),
    path("floor/machine-events/", api.MachineEventView.as_view(), name="api-floor-machine-events"),
    path(
        "floor/downtime-reasons/",
        api.DowntimeReasonsView.as_view(),
        name="api-floor-downtime-reasons",
    ),
    path("completions/", completions.CompletionListView.as_view(), name="api-completions"),
]
