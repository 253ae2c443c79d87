from django.urls import path

from staffing import views

app_name = "staffing"

urlpatterns = [
    path("operators/", views.operator_list, name="operator-list"),
    path("operators/new/", views.operator_create, name="operator-create"),
    path("operators/<int:pk>/", views.operator_edit, name="operator-edit"),
    path("operators/<int:pk>/pin/", views.operator_pin, name="operator-pin"),
    path("operators/<int:pk>/unlock/", views.operator_unlock, name="operator-unlock"),
]
