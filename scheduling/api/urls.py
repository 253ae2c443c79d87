from django.urls import path

from scheduling.api.views import DispatchListView

urlpatterns = [
    path("dispatch/", DispatchListView.as_view(), name="api-dispatch"),
]
