"""The scheduling app's pages, one list per sub-package, all in the `scheduling` namespace."""

from django.urls import include, path

app_name = "scheduling"

urlpatterns = [
    path("", include("scheduling.orders.urls")),
    path("", include("scheduling.planning.urls")),
    path("", include("scheduling.floor.urls")),
]
