from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("geen-organisatie/", views.no_organization, name="no_organization"),
    path("geen-rol/", views.no_role, name="no_role"),
    path("kaart/<str:token>/", views.card_login, name="card_login"),
    path("nog-bezig/", views.keep_alive, name="keep_alive"),
    path("inlogkaarten/<int:person_id>/", views.login_card, name="login_card"),
    path("inlogkaarten/<int:person_id>/pdf/", views.login_card_pdf, name="login_card_pdf"),
    path("inlogkaarten/<int:person_id>/intrekken/", views.login_card_revoke, name="login_card_revoke"),
]
