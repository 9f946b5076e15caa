from django.urls import path

from . import views

app_name = "learn"
urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("vraag-voor-gesprek/", views.ask, name="ask"),
    path("weergave/", views.display, name="display"),
    path("opdracht/<int:pa_id>/", views.assignment, name="assignment"),
    path("opdracht/<int:pa_id>/begin/", views.start, name="start"),
    path("opdracht/<int:pa_id>/verder/", views.next_screen, name="next"),
    path("opdracht/<int:pa_id>/terug/", views.previous_screen, name="previous"),
    path("opdracht/<int:pa_id>/vraag/<int:number>/", views.answer, name="answer"),
    path("opdracht/<int:pa_id>/aan-de-slag/", views.work_task_start, name="work_task_start"),
    path("opdracht/<int:pa_id>/terugkijken/", views.look_back, name="look_back"),
    path("opdracht/<int:pa_id>/kijk-je-mee/", views.watch_request, name="watch_request"),
    path("terugkijken/<int:answer_id>/<str:kind>/", views.look_back_media, name="look_back_media"),
]
