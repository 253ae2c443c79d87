"""Orders over the ERP API, by external reference (included under /api/v1/).

A reference may contain "/", so the cancel route comes before the detail route."""

from django.urls import path

from scheduling.orders import api

urlpatterns = [
    path("orders/", api.OrderListView.as_view(), name="api-order-list"),
    path("orders/bulk/", api.OrderBulkView.as_view(), name="api-order-bulk"),
    path(
        "orders/<path:external_ref>/cancel/",
        api.OrderCancelView.as_view(),
        name="api-order-cancel",
    ),
    path("orders/<path:external_ref>/", api.OrderDetailView.as_view(), name="api-order-detail"),
]
