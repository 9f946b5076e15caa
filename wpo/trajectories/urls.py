from django.urls import include, path

from . import views

app_name = "trajectories"
urlpatterns = [
    path("", views.my_participants, name="my_participants"),
    path("trajecten/<int:trajectory_id>/", views.trajectory_detail, name="trajectory_detail"),
    path("starten/", views.start, name="start"),
    path("opdrachten/<int:pa_id>/introductie/", views.introduce, name="introduce"),
    path("opdrachten/<int:pa_id>/observatie/", views.observe, name="observe"),
    # Coaching conversations, invitations and the calendar feed.
    path("", include("wpo.trajectories.urls_conversations")),
    # The sign-off sequence: independence week, assessment, second assessor, what next.
    path("", include("wpo.trajectories.urls_signoff")),
]
