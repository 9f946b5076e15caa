from django.urls import URLPattern, path

from . import views

app_name = "intake"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("aanmelden/", views.put_forward, name="put_forward"),
    path("afdeling/<int:department_id>/", views.department, name="department"),
    path("<int:interest_id>/", views.interest_detail, name="interest"),
    path("<int:interest_id>/uitnodigen/", views.interest_invite, name="interest_invite"),
    path("<int:interest_id>/starten/", views.interest_start, name="interest_start"),
    path("<int:interest_id>/niet-nu/", views.interest_not_now, name="interest_not_now"),
    path("<int:interest_id>/terug/", views.interest_back, name="interest_back"),
    path("<int:interest_id>/verplaatsen/", views.interest_move, name="interest_move"),
]
