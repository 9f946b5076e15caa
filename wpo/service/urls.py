from django.urls import path

from . import views

app_name = "service"
urlpatterns = [
    path("servicebeheer/", views.organizations, name="organizations"),
    path("servicebeheer/nieuw/", views.organization_new, name="organization_new"),
    path("servicebeheer/<int:organization_id>/schorsen/", views.organization_suspend, name="organization_suspend"),
    path(
        "servicebeheer/<int:organization_id>/weer-actief/",
        views.organization_reactivate,
        name="organization_reactivate",
    ),
    path(
        "servicebeheer/<int:organization_id>/uitnodiging/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("servicebeheer/logboek/", views.log, name="log"),
    path("servicebeheer/tweestaps/", views.two_factor, name="two_factor"),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
]
