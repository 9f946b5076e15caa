from django.urls import path

from . import views, views_print

app_name = "curriculum"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("opdrachten/<int:assignment_id>/", views.assignment_detail, name="assignment_detail"),
    path("opdrachten/<int:assignment_id>/pdf/", views_print.assignment_pdf, name="assignment_pdf"),
    path("skill-keuzekaart.pdf", views_print.choice_card_pdf, name="choice_card_pdf"),
]
