"""/api/v1/: every app's API routes, one prefix each."""

from django.urls import include, path

urlpatterns = [
    path("", include("plant.api.urls")),
    path("", include("scheduling.orders.api_urls")),
    path("", include("scheduling.planning.api_urls")),
    path("", include("scheduling.floor.api_urls")),
]
