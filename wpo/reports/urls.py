from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("rapportage.xlsx", views.export_xlsx, name="export_xlsx"),
    path("rapportage.csv", views.export_csv, name="export_csv"),
    path("rapportage.pdf", views.export_pdf, name="export_pdf"),
]
