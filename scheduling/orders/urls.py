"""Order pages (included by `scheduling/urls.py`, in the `scheduling` namespace)."""

from django.urls import path

from scheduling.orders import views

urlpatterns = [
    path("orders/", views.order_list, name="order-list"),
    path("orders/new/", views.order_edit, name="order-create"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order-cancel"),
]
