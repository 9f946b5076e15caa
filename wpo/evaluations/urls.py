from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("trajecten/<int:trajectory_id>/tussentijdse-evaluatie/plannen/", views.plan, name="plan"),
    path("tussentijdse-evaluaties/<int:evaluation_id>/", views.detail, name="detail"),
    path("tussentijdse-evaluaties/<int:evaluation_id>/afzeggen/", views.cancel, name="cancel"),
    path("tussentijdse-evaluaties/<int:evaluation_id>/uitnodiging.ics", views.ics, name="ics"),
    path("tussentijdse-evaluaties/<int:evaluation_id>/spraak/", views.voice, name="voice"),
]
