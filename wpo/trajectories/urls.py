from django.urls import path

from . import views

app_name = "trajectories"
urlpatterns = [
    path("", views.my_participants, name="my_participants"),
    path("trajecten/<int:trajectory_id>/", views.trajectory_detail, name="trajectory_detail"),
]
