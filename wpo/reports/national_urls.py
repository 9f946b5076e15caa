from django.urls import path

from . import national_views as views

app_name = "national"
urlpatterns = [
    path("", views.national_figures, name="figures"),
    path("landelijke-cijfers.xlsx", views.export_xlsx, name="export_xlsx"),
    path("landelijke-cijfers.csv", views.export_csv, name="export_csv"),
    path("landelijke-cijfers.pdf", views.export_pdf, name="export_pdf"),
]
