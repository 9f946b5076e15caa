from django.urls import path

from . import security_views, views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("inloggen/code/", security_views.two_factor_code, name="two_factor_code"),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    path("geen-organisatie/", views.no_organization, name="no_organization"),
    path("geen-rol/", views.no_role, name="no_role"),
    # One page, two addresses: the card's QR code has the token, the browser stays on the one without.
    path("kaart/", views.card_login, name="card_login"),
    path("kaart/<str:token>/", views.card_login, name="card_login"),
    path("nog-bezig/", views.keep_alive, name="keep_alive"),
    path("inlogkaarten/<int:person_id>/", views.login_card, name="login_card"),
    path("inlogkaarten/<int:person_id>/pdf/", views.login_card_pdf, name="login_card_pdf"),
    path("inlogkaarten/<int:person_id>/intrekken/", views.login_card_revoke, name="login_card_revoke"),
    path("tweestaps/", security_views.two_factor_page, name="two_factor"),
    path("tweestaps/<int:person_id>/herstellen/", security_views.two_factor_reset, name="two_factor_reset"),
    path("mensen/<int:person_id>/ontgrendelen/", security_views.person_unlock, name="person_unlock"),
    path("beveiliging/", security_views.security_settings, name="security_settings"),
    path("beveiliging/sso/", security_views.sso_settings, name="sso_settings"),
    path("sso/", security_views.sso_start, name="sso_start"),
    path("sso/<slug:org_slug>/terug/", security_views.sso_callback, name="sso_callback"),
]
