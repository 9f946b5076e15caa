from django.urls import path

from .views import catalogue, edit, editions, local_examples, media
from .views import print as printing

app_name = "curriculum"
urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("opdrachten/<int:assignment_id>/", catalogue.assignment_detail, name="assignment_detail"),
    path("opdrachten/<int:assignment_id>/bewerken/", edit.assignment_edit, name="assignment_edit"),
    path("opdrachten/<int:assignment_id>/pdf/", printing.assignment_pdf, name="assignment_pdf"),
    path(
        "opdrachten/<int:assignment_id>/eigen-voorbeeld/",
        local_examples.local_example_edit,
        name="local_example_edit",
    ),
    path(
        "opdrachten/<int:assignment_id>/eigen-voorbeeld/foto",
        local_examples.local_example_photo,
        name="local_example_photo",
    ),
    path("skills/nieuw/", edit.skill_new, name="skill_new"),
    path("skills/<int:skill_id>/pictogram.svg", catalogue.pictogram, name="pictogram"),
    path("skills/<int:skill_id>/bewerken/", edit.skill_edit, name="skill_edit"),
    path("versies/<int:version_id>/ondertiteling.vtt", media.captions, name="captions"),
    path("versies/<int:version_id>/video", media.video, name="video"),
    path("skill-keuzekaart.pdf", printing.choice_card_pdf, name="choice_card_pdf"),
    path("edities/", editions.edition_list, name="editions"),
    path("edities/concept/", editions.edition_draft, name="edition_draft"),
    path("edities/concept/publiceren/", editions.edition_publish_view, name="edition_publish"),
    path("edities/concept/opdrachten/<int:assignment_id>/", editions.edition_preview, name="edition_preview"),
    path("edities/<int:edition_id>/", editions.edition_detail, name="edition_detail"),
]
