from django.urls import path

from . import views

app_name = "coaching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("signalen/", views.signals, name="signals"),
    path("signalen/instellingen/", views.signal_settings, name="signal_settings"),
]
