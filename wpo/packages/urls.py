from django.urls import path

from . import views

app_name = "packages"
urlpatterns = [
    path("opdrachten/<int:assignment_id>/", views.upload, name="upload"),
    path("voortgang/<int:pa_id>/", views.track, name="track"),
]
