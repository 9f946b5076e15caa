from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.page, name="page"),
    path("mijn-gegevens/", views.mine, name="mine"),
    path("bewaartermijn/", views.retention, name="retention"),
    path("mensen/<int:person_id>/gegevens.zip", views.export_zip, name="export_zip"),
    path("mensen/<int:person_id>/gegevens.pdf", views.export_pdf, name="export_pdf"),
    path("mensen/<int:person_id>/anoniem-maken/", views.anonymise, name="anonymise"),
]
