from django.urls import path

from plant import views_integrations as views

urlpatterns = [
    path("tokens/", views.token_list, name="integration-tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="integration-token-revoke"),
]
