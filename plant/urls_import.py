"""Import pages. Included by plant/urls.py under the `plant` namespace at imports/."""

from django.urls import path

from plant import views_import

urlpatterns = [
    path("", views_import.import_start, name="import-start"),
    path("<str:token>/", views_import.import_preview, name="import-preview"),
    path("<str:token>/confirm/", views_import.import_confirm, name="import-confirm"),
]
