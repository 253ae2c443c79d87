"""Shop-floor pages: tablets and the manager's floor views (included by `scheduling/urls.py`,
in the `scheduling` namespace)."""

from django.urls import path, re_path

from scheduling.floor import views
from scheduling.floor.actions import MACHINE_ACTIONS, STEP_ACTIONS

urlpatterns = [
    path("floor/", views.floor_home, name="floor"),
    path("floor/alerts/", views.floor_alerts, name="floor-alerts"),
    path("floor/reschedule/", views.floor_reschedule, name="floor-reschedule"),
    path("floor/kpis/", views.floor_kpis, name="floor-kpis"),
    path("schedules/<int:pk>/actuals.json", views.run_actuals, name="run-actuals"),
    path("floor/machines/<int:pk>/", views.floor_machine, name="floor-machine"),
    path("floor/machines/<int:pk>/identify/", views.floor_identify, name="floor-identify"),
    path("floor/machines/<int:pk>/sign-off/", views.floor_leave, name="floor-leave"),
    re_path(
        rf"^floor/machines/(?P<pk>\d+)/(?P<action>{'|'.join(MACHINE_ACTIONS)})/$",
        views.floor_machine_event,
        name="floor-machine-event",
    ),
    re_path(
        r"^floor/machines/(?P<pk>\d+)/orders/(?P<order_pk>\d+)/steps/(?P<operation_pk>\d+)/"
        rf"(?P<action>{'|'.join(STEP_ACTIONS)})/$",
        views.floor_operation,
        name="floor-operation",
    ),
]
