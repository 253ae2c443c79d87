"""Import pages. Included by plant/urls.py under the `plant` namespace at imports/."""

from django.urls import path

from plant.imports import views

urlpatterns = [
    path("", views.import_start, name="import-start"),
    path("<str:token>/", views.import_preview, name="import-preview"),
    path("<str:token>/confirm/", views.import_confirm, name="import-confirm"),
]
