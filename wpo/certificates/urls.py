from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("<int:certificate_id>/", views.certificate_detail, name="detail"),
    path("<int:certificate_id>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:certificate_id>/intrekken/", views.certificate_revoke_view, name="revoke"),
    path("printen/", views.batch_new, name="batch_new"),
    path("printen/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("printen/<int:batch_id>/status/", views.batch_status, name="batch_status"),
    path("printen/<int:batch_id>/pdf/", views.batch_pdf, name="batch_pdf"),
    # Public by design: the check of a certificate by its code (no login).
    path("controle/", views.verify_form, name="verify_form"),
    path("controle/<str:code>/", views.verify, name="verify"),
]
