from django.urls import URLPattern, path

from . import views

app_name = "meetings"
urlpatterns: list[URLPattern] = [
    path("", views.meeting_list, name="list"),
    path("plannen/", views.meeting_plan, name="plan"),
    path("mijn/", views.my_meetings, name="mine"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/wijzigen/", views.meeting_change, name="change"),
    path("<int:meeting_id>/afzeggen/", views.meeting_cancel, name="cancel"),
    path("<int:meeting_id>/aanwezigheid/", views.meeting_record, name="record"),
    path("<int:meeting_id>/uitnodiging.ics", views.meeting_ics, name="ics"),
]
