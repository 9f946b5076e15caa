from django.urls import path

from . import views

app_name = "curriculum"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("opdrachten/<int:assignment_id>/", views.assignment_detail, name="assignment_detail"),
]
