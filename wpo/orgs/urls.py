from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("mensen/", views.people, name="people"),
    path("mensen/nieuw/", views.person_new, name="person_new"),
    path("mensen/<int:person_id>/", views.person_edit, name="person_edit"),
    path("afdelingen/", views.departments, name="departments"),
    path("afdelingen/nieuw/", views.department_new, name="department_new"),
    path("afdelingen/<int:department_id>/", views.department_edit, name="department_edit"),
    path("afdelingen/<int:department_id>/verwijderen/", views.department_remove, name="department_remove"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:import_id>/", views.import_preview, name="import_preview"),
    path("import/<int:import_id>/bevestigen/", views.import_confirm, name="import_confirm"),
    path("organisatie/", views.organization, name="organization"),
    path("organisatie/logo/", views.organization_logo, name="organization_logo"),
    path("organisatie/logo/weghalen/", views.organization_logo_delete, name="organization_logo_delete"),
]
