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
    path("servicebeheer/<int:organization_id>/sluiten/", views.organization_close, name="organization_close"),
    path("servicebeheer/<int:organization_id>/export/", views.export_start, name="export_start"),
    path("servicebeheer/<int:organization_id>/export/status/", views.export_status, name="export_status"),
    path("servicebeheer/<int:organization_id>/export/download/", views.export_download, name="export_download"),
    path("servicebeheer/bewijs/<int:event_id>/", views.receipt, name="receipt"),
    path("servicebeheer/bewijs/<int:event_id>/json/", views.receipt_json, name="receipt_json"),
    path("servicebeheer/bewijs/<int:event_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("servicebeheer/logboek/", views.log, name="log"),
    path("servicebeheer/tweestaps/", views.two_factor, name="two_factor"),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
]
