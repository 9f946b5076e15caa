from django.urls import path

from . import views, views_edit, views_media, views_print

app_name = "curriculum"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("opdrachten/<int:assignment_id>/", views.assignment_detail, name="assignment_detail"),
    path("opdrachten/<int:assignment_id>/bewerken/", views_edit.assignment_edit, name="assignment_edit"),
    path("opdrachten/<int:assignment_id>/pdf/", views_print.assignment_pdf, name="assignment_pdf"),
    path("skills/nieuw/", views_edit.skill_new, name="skill_new"),
    path("skills/<int:skill_id>/pictogram.svg", views.pictogram, name="pictogram"),
    path("skills/<int:skill_id>/bewerken/", views_edit.skill_edit, name="skill_edit"),
    path("versies/<int:version_id>/ondertiteling.vtt", views_media.captions, name="captions"),
    path("versies/<int:version_id>/video", views_media.video, name="video"),
    path("skill-keuzekaart.pdf", views_print.choice_card_pdf, name="choice_card_pdf"),
]
