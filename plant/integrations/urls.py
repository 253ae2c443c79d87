from django.urls import path

from plant.integrations import views

urlpatterns = [
    path("tokens/", views.token_list, name="integration-tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="integration-token-revoke"),
]
urlpatterns += [
    path("audit/", views.audit_log, name="integration-audit"),
]
urlpatterns += [
    path("webhooks/", views.webhook_list, name="integration-webhooks"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="integration-webhook-delete"),
    path(
        "webhooks/deliveries/<uuid:pk>/replay/",
        views.webhook_replay,
        name="integration-webhook-replay",
    ),
]
