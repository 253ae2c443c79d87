"""Planning pages (included by `scheduling/urls.py`, in the `scheduling` namespace)."""

from django.urls import path

from scheduling.planning import views

urlpatterns = [
    path("schedules/", views.run_list, name="run-list"),
    path("schedules/new/", views.run_new, name="run-create"),
    path("schedules/compare/", views.run_compare, name="run-compare"),
    path("schedules/<int:pk>/", views.run_detail, name="run-detail"),
    path("schedules/<int:pk>/gantt.json", views.run_gantt, name="run-gantt"),
    path("schedules/<int:pk>/cancel/", views.run_cancel, name="run-cancel"),
    path("schedules/<int:pk>/publish/", views.run_publish, name="run-publish"),
    path("schedules/<int:pk>/pin/", views.run_pin, name="run-pin"),
    path("dispatch/", views.dispatch, name="dispatch"),
]
