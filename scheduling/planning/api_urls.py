"""Runs, the published schedule and dispatch lists over the API (included under /api/v1/)."""

from django.urls import path

from scheduling.planning import api

urlpatterns = [
    path("runs/", api.RunListView.as_view(), name="api-run-list"),
    path("runs/<int:pk>/", api.RunDetailView.as_view(), name="api-run-detail"),
    path("runs/<int:pk>/publish/", api.RunPublishView.as_view(), name="api-run-publish"),
    path("schedule/", api.ScheduleView.as_view(), name="api-schedule"),
    path("dispatch/", api.DispatchListView.as_view(), name="api-dispatch"),
]
