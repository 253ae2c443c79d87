from django.urls import path

from plant import views

app_name = "plant"

urlpatterns = [
    path("", views.home, name="home"),
    path("plant/switch/", views.switch_plant, name="plant-switch"),
]
