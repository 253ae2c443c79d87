from django.urls import path, re_path

from scheduling import views, views_floor, views_floor_manager

app_name = "scheduling"

urlpatterns = [
    path("orders/", views.order_list, name="order-list"),
    path("orders/new/", views.order_edit, name="order-create"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order-cancel"),
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

# Shop floor (tablets): scheduling/views_floor.py.
urlpatterns += [
    path("floor/", views_floor.floor_home, name="floor"),
    path("floor/alerts/", views_floor_manager.floor_alerts, name="floor-alerts"),
    path("floor/reschedule/", views_floor_manager.floor_reschedule, name="floor-reschedule"),
    path("floor/kpis/", views_floor_manager.floor_kpis, name="floor-kpis"),
    path("schedules/<int:pk>/actuals.json", views_floor_manager.run_actuals, name="run-actuals"),
    path("floor/machines/<int:pk>/", views_floor.floor_machine, name="floor-machine"),
    path("floor/machines/<int:pk>/identify/", views_floor.floor_identify, name="floor-identify"),
    path("floor/machines/<int:pk>/sign-off/", views_floor.floor_leave, name="floor-leave"),
    re_path(
        r"^floor/machines/(?P<pk>\d+)/(?P<action>down|up|downtime|note)/$",
        views_floor.floor_machine_event,
        name="floor-machine-event",
    ),
    re_path(
        r"^floor/machines/(?P<pk>\d+)/orders/(?P<order_pk>\d+)/steps/(?P<operation_pk>\d+)/"
        r"(?P<action>start|pause|resume|report|complete)/$",
        views_floor.floor_operation,
        name="floor-operation",
    ),
]
