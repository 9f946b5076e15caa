from django.urls import path

from . import views

app_name = "coaching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("signalen/", views.signals, name="signals"),
    path("signalen/instellingen/", views.signal_settings, name="signal_settings"),
    path("kalibratie/", views.calibration, name="calibration"),
    path("trajecten/<int:trajectory_id>/signalen/", views.trajectory_signals, name="trajectory_signals"),
    path("trajecten/<int:trajectory_id>/signalen/stil/", views.signal_snooze_view, name="signal_snooze"),
    path("trajecten/<int:trajectory_id>/signalen/weer-aan/", views.signal_wake_view, name="signal_wake"),
    path("trajecten/<int:trajectory_id>/signalen/besproken/", views.signal_discussed_view, name="signal_discussed"),
]
